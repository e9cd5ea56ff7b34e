import { AddTagsCommand, DeleteTagsCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { PolicyRecord } from '../../policy/approval-policy';
import { policyRecordOf } from '../../policy/policy-record';
import { RegistryError, type SetPolicyInput } from '../registry';
import { awsCall } from './aws-errors';
import { listTags } from './hosting-lookups';
import { toTags } from './hosting-tags';
import { GROUP_TAGS_MAX, policyHistoryTags, readPolicyHistory } from './policy-history-tags';
import { describePackageGroup, ensurePackageGroup } from './registry-packages';

/*
 * A group's approval policy revisions on SageMaker, kept in its Model
 * Package Group's tags (policy-history-tags.ts says why and how). Reading
 * needs only the SageMaker client.
 */

/** Every revision of a group's policy, oldest first; none for a group that does not exist. */
export async function listGroupPolicies(
  sagemaker: SageMakerClient,
  group: string,
): Promise<PolicyRecord[]> {
  const arn = (await describePackageGroup(sagemaker, group))?.ModelPackageGroupArn;
  if (!arn) return [];
  return readPolicyHistory(group, await listTags(sagemaker, arn)).records;
}

/**
 * Adds the next revision of a group's policy, creating the group if needed.
 * Leftovers of a write that stopped half-way are removed only once the new
 * history is known to fit, so a refusal changes nothing. Tags have no
 * conditional write: two admins setting one group's policy at the same
 * moment could both write revision N + 1. Reading it back catches the one
 * that lost, unless the other's write lands after this one's read.
 */
export async function addGroupPolicy(
  sagemaker: SageMakerClient,
  input: SetPolicyInput,
): Promise<PolicyRecord> {
  const { group } = input;
  const what = `model package group ${group}`;
  const arn = await ensurePackageGroup(sagemaker, group);
  const tags = await listTags(sagemaker, arn);
  const current = readPolicyHistory(group, tags);
  const record = policyRecordOf(
    group,
    current.records.length + 1,
    input.policy,
    input.setBy,
    new Date().toISOString(),
  );
  const next = policyHistoryTags([...current.records, record]);
  const othersCount = tags.size - current.keys.length - current.staleKeys.length;
  const nextCount = Object.keys(next).length;
  if (othersCount + current.keys.length + nextCount > GROUP_TAGS_MAX) {
    throw new RegistryError(
      `${what}: revision ${record.revision} of its approval policy needs ${nextCount} tags for the whole history, beside the ${current.keys.length} that hold it now (both are kept until the new one is written) and ${othersCount} tags that are not Ferry's, and SageMaker allows ${GROUP_TAGS_MAX} tags per model package group; nothing was changed. Remove tags that are not Ferry's from the group, or use fewer and shorter approver and group names`,
    );
  }
  await deleteTags(sagemaker, arn, current.staleKeys, what);
  await awsCall('AddTags', what, () =>
    sagemaker.send(new AddTagsCommand({ ResourceArn: arn, Tags: toTags(next) })),
  );

  const written = readPolicyHistory(group, await listTags(sagemaker, arn));
  const kept = written.records[record.revision - 1];
  const isOurs =
    kept?.setAt === record.setAt && kept.setBy === record.setBy && kept.sha256 === record.sha256;
  if (kept && !isOurs) {
    throw new RegistryError(
      `${what}: another change to its approval policy was written at the same moment and took revision ${record.revision}; yours was not kept. Read the group's policy again and set yours if it is still wanted`,
    );
  }
  // Not read back yet (should a read lag the write): the older history
  // stays for the next writer to remove, as readers take the newest.
  if (kept) await deleteTags(sagemaker, arn, current.keys, what);
  return record;
}

async function deleteTags(
  sagemaker: SageMakerClient,
  arn: string,
  keys: string[],
  what: string,
): Promise<void> {
  if (keys.length === 0) return;
  await awsCall('DeleteTags', what, () =>
    sagemaker.send(new DeleteTagsCommand({ ResourceArn: arn, TagKeys: keys })),
  );
}
