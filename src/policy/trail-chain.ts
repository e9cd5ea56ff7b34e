import { createHash } from 'node:crypto';
import { canonicalJson } from '../shared/canonical-json';
import type { ChainedTrailEntry, DecisionTrailEntry } from './decision-trail';
import type { PolicyInForce } from './policy-in-force';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The first link of a version's chain: the digest of the policy it was registered under. */
export function policyDigest(policy: PolicyInForce | undefined): string {
  return sha256(canonicalJson(policy ?? null));
}

/** The entries, numbered and hash-linked from the policy's digest. */
export function chainTrail(
  policy: PolicyInForce | undefined,
  entries: readonly DecisionTrailEntry[],
): ChainedTrailEntry[] {
  let prevSha256 = policyDigest(policy);
  return entries.map((entry, seq) => {
    const linked = { ...stripChain(entry), seq, prevSha256 };
    const chained = { ...linked, sha256: sha256(canonicalJson(linked)) };
    prevSha256 = chained.sha256;
    return chained;
  });
}

/** An entry without its chain fields: what the workflow recorded. */
export function stripChain(entry: DecisionTrailEntry | ChainedTrailEntry): DecisionTrailEntry {
  const { seq: _seq, prevSha256: _prev, sha256: _hash, ...plain } = entry as ChainedTrailEntry;
  return plain;
}

export type ChainBreak = { seq: number; reason: string };

/**
 * Re-verifies a stored chain against the stored policy: the first entry
 * whose link or digest does not match, or undefined when all do.
 */
export function findChainBreak(
  policy: PolicyInForce | undefined,
  stored: readonly ChainedTrailEntry[],
): ChainBreak | undefined {
  let prevSha256 = policyDigest(policy);
  for (const [index, entry] of stored.entries()) {
    if (entry.seq !== index)
      return { seq: index, reason: `is numbered ${entry.seq}: an entry was removed or moved` };
    if (entry.prevSha256 !== prevSha256) {
      return {
        seq: index,
        reason:
          index === 0
            ? 'does not link to the policy recorded with the version: the policy or the entry was edited'
            : 'does not link to the entry before it: an entry was edited, removed or inserted',
      };
    }
    const { sha256: recorded, ...linked } = entry;
    if (sha256(canonicalJson(linked)) !== recorded)
      return { seq: index, reason: 'does not match its own digest: the entry was edited' };
    prevSha256 = recorded;
  }
  return undefined;
}

/**
 * The rows to add when a registry is given a version's whole trail again:
 * the stored entries must begin it unchanged (the trail is append-only), and
 * only the new ones are chained on. A conflict names the first stored entry
 * that differs, for the registry's error.
 */
export function entriesToAppend(
  policy: PolicyInForce | undefined,
  stored: readonly ChainedTrailEntry[],
  entries: readonly DecisionTrailEntry[],
): { rows: ChainedTrailEntry[] } | { conflictAt: number } {
  const chained = chainTrail(policy, entries);
  const conflictAt = stored.findIndex((row, index) => chained[index]?.sha256 !== row.sha256);
  return conflictAt >= 0 ? { conflictAt } : { rows: chained.slice(stored.length) };
}

/** The registry's words for a trail that would rewrite what it holds. */
export function trailConflictMessage(what: string, conflictAt: number): string {
  return `${what}: the decision trail is append-only, and entry ${conflictAt} differs from the one stored; nothing was changed`;
}
