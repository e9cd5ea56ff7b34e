import type { EndpointInvoker, InvocationRequest } from './endpoint-invoker';
import type { Hosting } from './hosting';
import type { Registry } from './registry';
import type { RunStore } from './run-store';
import type { Trainer } from './trainer';

/** One backend's implementation of every concern the activities use (DESIGN.md §3). */
export interface BackendParts {
  trainer: Trainer;
  registry: Registry;
  hosting: Hosting;
  /** How a load test calls an endpoint of this backend. */
  openInvoker: (request: InvocationRequest) => EndpointInvoker;
  /** sha256 of a trained model where the backend keeps it (a folder, or an S3 object). */
  artifactDigest: (location: string) => Promise<string>;
  /** Where a run's files are kept for every worker (S3 on SageMaker); none for the local backend. */
  store?: RunStore;
}
