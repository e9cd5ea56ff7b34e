import { SqliteRegistry, localRegistryFile } from './local/sqlite-registry';
import type { Registry } from './registry';
import { createAwsClients } from './sagemaker/aws-clients';
import { SageMakerRegistry } from './sagemaker/sagemaker-registry';

/**
 * The registry of a backend, for the CLI and the API to read (they never
 * reach into a backend's internals). The SageMaker registry reads Model
 * Package Groups in AWS_REGION with the environment's credentials;
 * registering needs a pipeline's settings, which only a worker has.
 */
export function openRegistry(backend: 'local' | 'sagemaker', home: string): Registry {
  if (backend === 'sagemaker') return new SageMakerRegistry(createAwsClients());
  return new SqliteRegistry(localRegistryFile(home));
}
