import { SqliteRegistry, localRegistryFile } from './local/sqlite-registry';
import type { Registry } from './registry';

/**
 * The registry of a backend, for the activities and the CLI alike (the CLI
 * never reaches into a backend's internals). The SageMaker registry arrives
 * with the SageMaker backend.
 */
export function openRegistry(backend: 'local' | 'sagemaker', home: string): Registry {
  if (backend === 'sagemaker')
    throw new Error('the SageMaker registry is not built yet; use backend: local');
  return new SqliteRegistry(localRegistryFile(home));
}
