import { WarmRunner } from '../python/warm-runner';
import type { BackendParts } from './backend-parts';
import { Backends } from './backend-resolver';
import type { Hosting } from './hosting';
import type { Registry } from './registry';
import type { Trainer } from './trainer';
import { folderSha256 } from './local/folder-digest';
import { ensureHost } from './local/hosting/ensure-host';
import { LocalHostingClient } from './local/hosting/hosting-client';
import { runHost } from './local/hosting/run-host';
import { createLocalInvoker } from './local/local-invoker';
import { LocalTrainer } from './local/local-trainer';
import { SqliteRegistry, localRegistryFile } from './local/sqlite-registry';
import { createAwsClients, type AwsClients } from './sagemaker/aws-clients';
import { createSageMakerBackend } from './sagemaker/sagemaker-backend';
import { SageMakerHosting } from './sagemaker/sagemaker-hosting';
import { SageMakerRegistry } from './sagemaker/sagemaker-registry';

/*
 * The composition root: the one module outside backends/local/ and
 * backends/sagemaker/ that imports them (DESIGN.md §5, checked by
 * eslint.config.mjs). The worker, the CLI and the API get their backend
 * parts here and talk to them through the interfaces in src/backends/.
 */

export type BackendName = 'local' | 'sagemaker';

/** The SageMaker backend's AWS clients for a region (tests attach their emulator's stand-ins). */
export type AwsClientsFor = (region: string | undefined) => AwsClients;

export interface WorkerBackendOptions {
  /** Ferry's state folder: the local registry, the endpoint host's record, artifacts. */
  home: string;
  /** Stand-ins for the local backend's parts; the real ones by default. */
  trainer?: Trainer;
  registry?: Registry;
  hosting?: Hosting;
  /** A host the local hosting starts ends with this process (tests); by default endpoints outlive it. */
  isHostTiedToWorker?: boolean;
  /** Default: clients from the environment (createAwsClients). */
  awsClients?: AwsClientsFor;
}

/** Every backend a worker's activities may be asked for: the local one, and one SageMaker backend per pipeline settings. */
export function composeBackends(options: WorkerBackendOptions): Backends {
  const local: BackendParts = {
    trainer: options.trainer ?? new LocalTrainer(),
    registry: options.registry ?? openRegistry('local', options.home),
    hosting:
      options.hosting ??
      new LocalHostingClient(options.home, { exitWithParent: options.isHostTiedToWorker }),
    openInvoker: createLocalInvoker,
    artifactDigest: folderSha256,
  };
  const clientsFor = (region: string | undefined) =>
    options.awsClients?.(region) ?? createAwsClients(region);
  return new Backends(
    local,
    (settings) => createSageMakerBackend(settings, options.awsClients?.(settings.region)),
    (region) => {
      const clients = clientsFor(region);
      return { registry: new SageMakerRegistry(clients), hosting: new SageMakerHosting(clients) };
    },
  );
}

/**
 * The registry of a backend, for the CLI and the API to read: the SQLite
 * file in `home`, or the Model Package Groups of `region` (default:
 * AWS_REGION) with the environment's credentials. Registering on SageMaker
 * needs a pipeline's settings, which only a worker has.
 */
export function openRegistry(backend: BackendName, home: string, region?: string): Registry {
  if (backend === 'sagemaker') return new SageMakerRegistry(createAwsClients(region));
  return new SqliteRegistry(localRegistryFile(home));
}

/**
 * The endpoints of a backend, for the CLI and the API: those of `home`'s
 * host (started if none runs), or the SageMaker endpoints Ferry made in
 * `region`, which can be read, scaled and deleted without a pipeline.
 */
export function openHosting(backend: BackendName, home: string, region?: string): Hosting {
  if (backend === 'sagemaker') return new SageMakerHosting(createAwsClients(region));
  return new LocalHostingClient(home);
}

/**
 * The local backend's endpoint host (DESIGN.md §3, "Who owns local
 * endpoints"): `ferry host` runs one; `ferry dev` and the demo make sure one
 * runs, as the local hosting does before its first call.
 */
export const localEndpointHost = { run: runHost, ensure: ensureHost };

/** Ends the warm Python runner this process started: local training, and both backends' evaluation, run through it. */
export function stopBackendProcesses(): Promise<void> {
  return WarmRunner.stopShared();
}
