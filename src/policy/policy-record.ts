import { createHash } from 'node:crypto';
import { canonicalJson } from '../shared/canonical-json';
import type { ApprovalPolicy, PolicyRecord } from './approval-policy';

/** A policy revision with its digest, as both registries store it. */
export function policyRecordOf(
  group: string,
  revision: number,
  policy: ApprovalPolicy,
  setBy: string,
  setAt: string,
): PolicyRecord {
  const sha256 = createHash('sha256').update(canonicalJson(policy)).digest('hex');
  return { group, revision, policy, setBy, setAt, sha256 };
}
