import { Option } from 'commander';
import { openHosting, openRegistry } from '../backends/compose-backends';
import type { BackendChoice } from '../backends/backend-target';
import type { Hosting } from '../backends/hosting';
import type { Registry } from '../backends/registry';
import { ferryHome } from '../shared/project-paths';

/** What `--backend` and `--region` say: which backend a command reads and manages. */
export type { BackendChoice } from '../backends/backend-target';

/** `--backend local|sagemaker`, local by default, as before the option existed. */
export function backendOption(): Option {
  return new Option('--backend <name>', 'the backend to work on')
    .choices(['local', 'sagemaker'])
    .default('local');
}

/**
 * `--region`: SageMaker is reached there (else in AWS_REGION) with the
 * environment's credentials (AWS_PROFILE, an instance role, access keys);
 * reading it needs no pipeline file.
 */
export function regionOption(): Option {
  return new Option('--region <region>', 'sagemaker backend: the AWS region (default: AWS_REGION)');
}

export function registryOf(choice: BackendChoice): Registry {
  return openRegistry(choice.backend, ferryHome(), choice.region);
}

export function hostingOf(choice: BackendChoice): Hosting {
  return openHosting(choice.backend, ferryHome(), choice.region);
}
