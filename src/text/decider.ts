import type { DecisionTrailEntry } from '../policy/decision-trail';

/** Who made a decision, as proven: "bob (ferry-api)"; "unverified" when the credential did not verify. */
export function deciderOf(entry: {
  via: DecisionTrailEntry['via'];
  subject?: string | null;
  issuer?: string | null;
}): string {
  if (entry.via === 'timeout') return 'ferry (timeout)';
  if (!entry.subject) return 'unverified';
  return entry.issuer ? `${entry.subject} (${entry.issuer})` : entry.subject;
}
