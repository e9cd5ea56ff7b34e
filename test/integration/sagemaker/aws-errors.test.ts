import { ApplicationFailure } from '@temporalio/common';
import {
  DescribeEndpointCommand,
  CreateEndpointConfigCommand,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { createAwsClients } from '../../../src/backends/sagemaker/aws-clients';
import { awsCall, isNotFound, translateAwsError } from '../../../src/backends/sagemaker/aws-errors';

// Real answers from the moto server that global setup started.
describe('AWS error translation, on moto', () => {
  const { sagemaker } = createAwsClients();
  afterAll(() => sagemaker.destroy());

  it('reports an operation the emulator lacks as unsupported, not as a parse error', async () => {
    const error = await awsCall('UpdateEndpoint', 'endpoint churn', () =>
      sagemaker.send(new UpdateEndpointCommand({ EndpointName: 'churn', EndpointConfigName: 'c' })),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    const failure = error as ApplicationFailure;
    expect(failure.type).toBe('SageMakerOperationUnsupported');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('does not implement UpdateEndpoint');
    expect(failure.message).not.toMatch(/JSON|Unexpected token/);
  });

  it('turns a ValidationException into a non-retryable failure naming the resource and a fix', async () => {
    const error = await awsCall('CreateEndpointConfig', 'endpoint config churn-cfg', () =>
      sagemaker.send(
        new CreateEndpointConfigCommand({
          EndpointConfigName: 'churn-cfg',
          ProductionVariants: [
            {
              VariantName: 'AllTraffic',
              ModelName: 'm',
              InstanceType: 'ml.nope.huge' as never,
              InitialInstanceCount: 1,
            },
          ],
        }),
      ),
    ).catch((e: unknown) => e);
    const failure = error as ApplicationFailure;
    expect(failure.type).toBe('SageMakerRequestRefused');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('CreateEndpointConfig endpoint config churn-cfg');
    expect(failure.message).toContain('ValidationException');
    expect(failure.message).toContain('instance types');
  });

  it('recognises a missing endpoint, which SageMaker reports as a ValidationException', async () => {
    const error = await sagemaker
      .send(new DescribeEndpointCommand({ EndpointName: 'no-such-endpoint' }))
      .catch((e: unknown) => e);
    expect(isNotFound(error)).toBe(true);
  });

  it('leaves throttling and server faults retryable', () => {
    // A fault moto cannot produce: the error objects the SDK would throw.
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    const unavailable = Object.assign(new Error('Service Unavailable'), {
      name: 'ServiceUnavailable',
      $fault: 'server',
      $metadata: { httpStatusCode: 503 },
    });
    for (const error of [throttled, unavailable]) {
      const translated = translateAwsError(error, 'CreateModel', 'model m');
      expect(translated).not.toBeInstanceOf(ApplicationFailure);
      expect(translated.message).toContain('CreateModel model m');
    }
  });
});
