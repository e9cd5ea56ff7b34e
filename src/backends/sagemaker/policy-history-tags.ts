import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { z } from 'zod';
import { approvalPolicySchema, type PolicyRecord } from '../../policy/approval-policy';
import { policyRecordOf } from '../../policy/policy-record';
import { RegistryError } from '../registry';

/**
 * Where a group's approval policy lives on SageMaker: in its Model Package
 * Group's tags, every revision of it.
 *
 * Why tags: `ferry policy set` runs in the CLI and the API, which have a
 * region and no pipeline, hence no bucket; the group itself is the only
 * place both can write and every reader can find. Its description is fixed
 * at creation, and its "model package group policy" is an IAM resource
 * policy that SageMaker enforces, not a place for data; so tags it is: at
 * most 50 per resource, values of at most 256 characters from letters,
 * digits, spaces and `_.:/=+-@`.
 *
 * Why all revisions in one blob: the history is deflated as a whole, then
 * base64url-cut into values. Revisions mostly repeat each other, so this
 * measured at about 200 revisions (one approver changed at a time) in 24
 * tags, against about 20 with each revision encoded on its own. The group
 * and revision numbers are implied by position, and the digest is computed
 * again on read (policyRecordOf), so they take no room.
 *
 * Why generations: the history for revision N is written under its own keys
 * (`ferry:policies:N:…`), and the keys of N − 1 are deleted only after it. A
 * tag is never rewritten, so a writer stopped between the two calls leaves
 * two whole histories (readers take the newest; the next writer removes the
 * older), never none. It also sidesteps moto, whose AddTags appends a second
 * tag for a key that exists. The price is room for two histories while one
 * replaces the other; a history that does not fit is refused, never cut.
 */
export const GROUP_TAGS_MAX = 50;
const TAG_VALUE_MAX_CHARS = 256;

const countKey = (revision: number): string => `ferry:policies:${revision}:chunks`;
const chunkKey = (revision: number, index: number): string => `ferry:policies:${revision}:${index}`;
const POLICY_KEY = /^ferry:policies:(\d+):(?:chunks|\d+)$/;

/** One revision as stored: what policyRecordOf needs beside the group and the revision. */
const storedHistorySchema = z.array(
  z.strictObject({ policy: approvalPolicySchema, setBy: z.string(), setAt: z.string() }),
);

export interface TaggedPolicyHistory {
  /** Every revision, oldest first. */
  records: PolicyRecord[];
  /** The tags the newest history is in. */
  keys: string[];
  /** Ferry's policy tags of older histories, left by a write that stopped half-way. */
  staleKeys: string[];
}

/** The tags that hold `records` (a group's whole history), under the newest revision's keys. */
export function policyHistoryTags(records: readonly PolicyRecord[]): Record<string, string> {
  const stored = records.map(({ policy, setBy, setAt }) => ({ policy, setBy, setAt }));
  const encoded = deflateRawSync(JSON.stringify(stored)).toString('base64url');
  const revision = records.length;
  const chunkCount = Math.max(1, Math.ceil(encoded.length / TAG_VALUE_MAX_CHARS));
  const tags: Record<string, string> = { [countKey(revision)]: String(chunkCount) };
  for (let index = 0; index < chunkCount; index++) {
    const start = index * TAG_VALUE_MAX_CHARS;
    tags[chunkKey(revision, index)] = encoded.slice(start, start + TAG_VALUE_MAX_CHARS);
  }
  return tags;
}

/** A group's policy history from its tags; no Ferry policy tags is no policy. */
export function readPolicyHistory(group: string, tags: Map<string, string>): TaggedPolicyHistory {
  const keysByRevision = new Map<number, string[]>();
  for (const key of tags.keys()) {
    const match = POLICY_KEY.exec(key);
    if (!match) continue;
    const revision = Number(match[1]);
    keysByRevision.set(revision, [...(keysByRevision.get(revision) ?? []), key]);
  }
  const revisions = [...keysByRevision.keys()].sort((a, b) => a - b);
  const newest = revisions.pop();
  if (newest === undefined) return { records: [], keys: [], staleKeys: [] };
  return {
    records: decodeHistory(group, newest, tags),
    keys: keysByRevision.get(newest) ?? [],
    staleKeys: revisions.flatMap((revision) => keysByRevision.get(revision) ?? []),
  };
}

function decodeHistory(group: string, revision: number, tags: Map<string, string>): PolicyRecord[] {
  const damaged = (problem: string) =>
    new RegistryError(
      `model package group ${group}: its approval policy tags (ferry:policies:${revision}:*) ${problem}; someone edited the group's tags. Restore them (CloudTrail's AddTags and DeleteTags events show the values), or delete every ferry:policies:* tag and set the policy again, which loses its history`,
    );
  const chunkCount = Number(tags.get(countKey(revision)));
  if (!Number.isInteger(chunkCount) || chunkCount < 1)
    throw damaged(`lack a valid ${countKey(revision)}`);
  const chunks: string[] = [];
  for (let index = 0; index < chunkCount; index++) {
    const chunk = tags.get(chunkKey(revision, index));
    if (chunk === undefined) throw damaged(`lack ${chunkKey(revision, index)} of ${chunkCount}`);
    chunks.push(chunk);
  }
  let stored: z.output<typeof storedHistorySchema>;
  try {
    const json = inflateRawSync(Buffer.from(chunks.join(''), 'base64url')).toString('utf8');
    stored = storedHistorySchema.parse(JSON.parse(json));
  } catch (error) {
    throw damaged(`do not decode (${String(error)})`);
  }
  if (stored.length !== revision)
    throw damaged(`hold ${stored.length} revisions where their keys say ${revision}`);
  return stored.map((entry, index) =>
    policyRecordOf(group, index + 1, entry.policy, entry.setBy, entry.setAt),
  );
}
