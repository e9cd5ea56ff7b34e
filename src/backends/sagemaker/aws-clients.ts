import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';

/** One client per AWS service the SageMaker backend calls. */
export interface AwsClients {
  sagemaker: SageMakerClient;
  s3: S3Client;
  autoscaling: ApplicationAutoScalingClient;
  runtime: SageMakerRuntimeClient;
}

/**
 * Clients for a region. Endpoints and credentials come from the SDK's own
 * environment settings (AWS_ENDPOINT_URL, AWS_PROFILE, ...), so pointing the
 * backend at an emulator such as moto needs no code. S3 then uses path-style
 * addresses, since an emulator on 127.0.0.1 has no per-bucket host names.
 * The SDK's standard retry mode backs off on throttling and 5xx answers.
 */
export function createAwsClients(region?: string): AwsClients {
  const common = { region: region ?? process.env.AWS_REGION ?? 'us-east-1', maxAttempts: 5 };
  const isEmulated = Boolean(process.env.AWS_ENDPOINT_URL ?? process.env.AWS_ENDPOINT_URL_S3);
  return {
    sagemaker: new SageMakerClient(common),
    s3: new S3Client({ ...common, forcePathStyle: isEmulated }),
    autoscaling: new ApplicationAutoScalingClient(common),
    runtime: new SageMakerRuntimeClient(common),
  };
}
