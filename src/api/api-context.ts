import type { Client } from '@temporalio/client';
import type { Hosting } from '../backends/hosting';
import type { Registry } from '../backends/registry';
import type { DataRoots } from '../dataset/data-roots';
import type { CredentialIssuer, Signer } from '../identity/credential-issuer';

/** What the routes work with: Temporal for runs, the backend interfaces for models and endpoints. */
export interface ApiContext {
  client: Client;
  taskQueue: string;
  home: string;
  /** Where relative dataset paths of posted pipelines are read from. */
  baseDir: string;
  /** Where local datasets of posted pipelines may come from; none unless the operator set FERRY_DATA_ROOTS. */
  dataRoots: DataRoots;
  readsNeedToken: boolean;
  /** Opened on first use, so a server that never lists models never opens the registry. */
  registry(): Registry;
  hosting: Hosting;
  /** The API's issuer: it vouches, in credentials the workers verify, for the people it authenticates. */
  issuer: CredentialIssuer;
}

/** The person a request authenticated, as the API's issuer signs for them. */
export function signerOf(context: ApiContext, person: string): Signer {
  return { issuer: context.issuer, subject: person };
}
