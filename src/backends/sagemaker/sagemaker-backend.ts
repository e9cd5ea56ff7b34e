import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { BackendParts } from '../backend-parts';
import { createAwsClients, type AwsClients } from './aws-clients';
import { awsCall } from './aws-errors';
import { createS3RunStore } from './s3-run-store';
import { parseS3Uri } from './s3-paths';
import { SageMakerHosting } from './sagemaker-hosting';
import { createSageMakerInvoker } from './sagemaker-invoker';
import { SageMakerRegistry } from './sagemaker-registry';
import type { SageMakerSettings } from '../sagemaker-settings';
import { SageMakerTrainer } from './sagemaker-trainer';

/** Every concern of DESIGN.md §3 on SageMaker, for one pipeline's settings. */
export function createSageMakerBackend(
  settings: SageMakerSettings,
  clients: AwsClients = createAwsClients(settings.region),
): BackendParts {
  const region = settings.region ?? process.env.AWS_REGION ?? 'us-east-1';
  return {
    trainer: new SageMakerTrainer(clients, settings, region),
    registry: new SageMakerRegistry(clients, settings),
    hosting: new SageMakerHosting(clients, settings),
    openInvoker: (request) => createSageMakerInvoker(clients.runtime, request),
    artifactDigest: (uri) => objectSha256(clients, uri),
    store: createS3RunStore(clients.s3, settings),
  };
}

/** sha256 of a model artifact in S3, streamed (the lineage's artifactSha256). */
async function objectSha256(clients: AwsClients, uri: string): Promise<string> {
  const { bucket, key } = parseS3Uri(uri);
  const object = await awsCall('GetObject', uri, () =>
    clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
  );
  const hash = createHash('sha256');
  for await (const chunk of object.Body as Readable) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
