import { ApplicationFailure } from '@temporalio/common';
import { FAILURE } from '../../shared/failure-types';

/** What the SDK's errors carry that we read: service errors and deserialization failures alike. */
interface AwsErrorShape {
  name?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string> };
}

/** Error names that mean "wait and try again", whatever their HTTP status. */
const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'ProvisionedThroughputExceededException',
]);

/** What to do about a client fault, by its error name. */
const FIXES: Record<string, string> = {
  ValidationException:
    "check the pipeline's sagemaker settings (roleArn, bucket, instance types) and endpoint.instanceType against what the region offers",
  AccessDeniedException:
    "grant the worker's credentials this SageMaker action, and let the execution role be passed (iam:PassRole)",
  AccessDenied: "grant the worker's credentials access to the bucket (s3:GetObject, s3:PutObject)",
  ResourceLimitExceeded:
    'raise the quota in Service Quotas, or choose an instance type the account has room for',
  NoSuchBucket: 'create the bucket, or set sagemaker.bucket to one that exists in this region',
  UnrecognizedClientException:
    "the worker's AWS credentials are not valid; check AWS_PROFILE or the access key",
  InvalidSignatureException: "the worker's AWS secret key does not match its access key",
};

function isThrottling(error: unknown): boolean {
  return THROTTLING.has(errorName(error)) || httpStatus(error) === 429;
}

/** The service said the named thing does not exist (SageMaker uses ValidationException for some). */
export function isNotFound(error: unknown): boolean {
  const name = errorName(error);
  if (
    [
      'ResourceNotFound',
      'ResourceNotFoundException',
      'NoSuchKey',
      'NotFound',
      'NoSuchBucket',
    ].includes(name)
  )
    return true;
  return (
    name === 'ValidationException' &&
    /could not find|does not exist|not found|cannot find/i.test(messageOf(error))
  );
}

/** The service refused a create because the name is taken (SageMaker: "already existing"). */
export function isAlreadyExists(error: unknown): boolean {
  const name = errorName(error);
  return (
    name === 'ResourceInUse' ||
    name === 'ConflictException' ||
    (name === 'ValidationException' && /already exist/i.test(messageOf(error)))
  );
}

/**
 * An emulator that lacks an operation answers HTTP 500 with an HTML page,
 * which the SDK reports as a JSON parse error; that is "not implemented",
 * not a fault in our request or a passing outage.
 */
function isUnsupportedOperation(error: unknown): boolean {
  return (
    httpStatus(error) === 500 &&
    (errorName(error) === 'SyntaxError' ||
      /Deserialization error|<!doctype|<html/i.test(messageOf(error)))
  );
}

/**
 * An AWS SDK error in the words a user can act on, typed for Temporal:
 * an unimplemented operation and a client fault (validation, access, quota)
 * become non-retryable failures naming the call, the resource and the fix;
 * throttling and server faults stay plain errors, so the activity's retry
 * policy backs off and tries again.
 */
export function translateAwsError(error: unknown, operation: string, resource: string): Error {
  if (error instanceof ApplicationFailure) return error;
  const name = errorName(error);
  const message = messageOf(error);
  const where = `SageMaker backend: ${operation} ${resource}`;
  if (isUnsupportedOperation(error)) {
    return ApplicationFailure.create({
      message: `${where}: the service does not implement ${operation} (HTTP 500 with an HTML page, as an emulator answers an operation it lacks); use real SageMaker for this step`,
      type: FAILURE.sageMakerUnsupported,
      nonRetryable: true,
    });
  }
  if (isThrottling(error)) {
    return new Error(`${where}: throttled (${name}): ${message}; retrying with backoff`, {
      cause: error,
    });
  }
  const status = httpStatus(error);
  const isClientFault =
    (error as AwsErrorShape | undefined)?.$fault === 'client' ||
    (status !== undefined && status >= 400 && status < 500);
  if (isClientFault) {
    const fix =
      FIXES[name] ?? 'check the request against the SageMaker documentation for this operation';
    return ApplicationFailure.create({
      message: `${where} was refused: ${name}: ${message}; ${fix}`,
      type: FAILURE.sageMakerRefused,
      nonRetryable: true,
      details: [{ awsError: name, httpStatus: status }],
    });
  }
  return new Error(`${where} failed (${name}${status ? `, HTTP ${status}` : ''}): ${message}`, {
    cause: error,
  });
}

/** Runs one AWS call, translating its failure (see translateAwsError). */
export async function awsCall<T>(
  operation: string,
  resource: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translateAwsError(error, operation, resource);
  }
}

function errorName(error: unknown): string {
  return (error as AwsErrorShape | undefined)?.name ?? 'Error';
}

function messageOf(error: unknown): string {
  return String((error as AwsErrorShape | undefined)?.message ?? error);
}

function httpStatus(error: unknown): number | undefined {
  return (error as AwsErrorShape | undefined)?.$metadata?.httpStatusCode;
}
