import { createHash } from 'node:crypto';
import { canonicalJson } from '../shared/canonical-json';

/** The digest a start credential is bound to: the validated config exactly as the run receives it. */
export function configSha256(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}
