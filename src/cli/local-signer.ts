import os from 'node:os';
import { localIssuer } from '../identity/machine-keys';
import type { Signer } from '../identity/credential-issuer';
import { ferryHome } from '../shared/project-paths';

/**
 * Who the CLI speaks for when no API is configured: the user running it,
 * vouched for by this machine's local issuer (a key in FERRY_HOME/keys that
 * only its owner can read). That is the trust model of a single
 * development machine; a team sets FERRY_API_URL, and the API
 * authenticates each person.
 */
export async function localSigner(home = ferryHome()): Promise<Signer> {
  return { issuer: await localIssuer(home), subject: os.userInfo().username };
}
