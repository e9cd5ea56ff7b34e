import type { Client } from '@temporalio/client';
import type { Hosting } from '../backends/hosting';
import type { Registry } from '../backends/registry';

/** What the routes work with: Temporal for runs, the backend interfaces for models and endpoints. */
export interface ApiContext {
  client: Client;
  taskQueue: string;
  home: string;
  /** Where relative dataset paths of posted pipelines are read from. */
  baseDir: string;
  readsNeedToken: boolean;
  /** Opened on first use, so a server that never lists models never opens the registry. */
  registry(): Registry;
  hosting: Hosting;
}
