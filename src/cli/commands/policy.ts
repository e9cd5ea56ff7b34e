import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { Command } from 'commander';
import { formatProblem } from '../../config/problem';
import { parsePipelineText } from '../../config/pipeline-source';
import { problemsFromZod } from '../../config/zod-problems';
import { approvalPolicySchema, type PolicyRecord } from '../../policy/approval-policy';
import { UserError } from '../../shared/user-error';
import { apiTarget, callApi } from '../api-client';
import { backendOption, regionOption, registryOf, type BackendChoice } from '../backend-option';
import { EXIT_INVALID } from '../exit-codes';
import { print, printError, printJson } from '../print';
import { terminalSafe } from '../../text/safe-text';

type PolicyOptions = BackendChoice & { json?: boolean };

/**
 * `ferry policy set|show <group>`: a model group's approval policy (who may
 * approve, the quorum, the starter rule, the longest timeout). Through the
 * API when FERRY_API_URL is set, where only an admin token may change it;
 * on a development machine, in the local registry, whose owner is that
 * machine's admin.
 */
export function registerPolicy(program: Command): void {
  const policy = program
    .command('policy')
    .description("a model group's approval policy, which the runs of the group cannot loosen");
  policy
    .command('set')
    .description("set a model group's approval policy from a YAML or JSON file (admins only)")
    .argument('<group>', 'model group')
    .argument(
      '<file>',
      'policy file: owners, approvers, groups, approvals, allowStarterToApprove, maxTimeout',
    )
    .addOption(backendOption())
    .addOption(regionOption())
    .action(async (group: string, file: string, options: PolicyOptions) => {
      const parsed = await readPolicyFile(file);
      const api = apiTarget();
      const record = api
        ? await callApi<PolicyRecord>(api, 'PUT', `/policies/${encodeURIComponent(group)}`, parsed)
        : await registryOf(options).setPolicy({
            group,
            policy: parsed,
            setBy: os.userInfo().username,
          });
      print(`${group}: approval policy revision ${record.revision} set by ${record.setBy}`);
      console.log(describePolicy(record));
    });
  policy
    .command('show')
    .description("show a model group's approval policy and its earlier revisions")
    .argument('<group>', 'model group')
    .option('--json', 'print JSON')
    .addOption(backendOption())
    .addOption(regionOption())
    .action(async (group: string, options: PolicyOptions) => {
      const api = apiTarget();
      const revisions = api
        ? (
            await callApi<{ revisions: PolicyRecord[] }>(
              api,
              'GET',
              `/policies/${encodeURIComponent(group)}`,
            )
          ).revisions
        : await registryOf(options).listPolicyRevisions(group);
      if (options.json) return printJson(revisions);
      const current = revisions.at(-1);
      if (!current) {
        print(
          `${group} has no approval policy: each run's own file (approval section) says who may approve; set one with 'ferry policy set ${group} <file>'`,
        );
        return;
      }
      print(`${group}: approval policy revision ${current.revision}`);
      console.log(describePolicy(current));
      for (const earlier of revisions.slice(0, -1).reverse()) {
        print(`  revision ${earlier.revision}: set by ${earlier.setBy} at ${earlier.setAt}`);
      }
    });
}

async function readPolicyFile(file: string) {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`cannot read ${file} (${error.code ?? error.message})`, EXIT_INVALID);
  });
  const source = parsePipelineText(text);
  const problems = source.syntaxProblems.length
    ? source.syntaxProblems
    : (() => {
        const result = approvalPolicySchema.safeParse(source.raw);
        return result.success ? [] : problemsFromZod(result.error.issues, approvalPolicySchema);
      })();
  if (problems.length > 0) {
    for (const problem of problems) printError(formatProblem(file, problem));
    throw new UserError(
      `${file} is not a valid approval policy; nothing was changed`,
      EXIT_INVALID,
    );
  }
  return approvalPolicySchema.parse(source.raw);
}

function describePolicy(record: PolicyRecord): string {
  const { policy } = record;
  const groups = Object.entries(policy.groups).map(
    ([name, members]) => `${name} (${members.join(', ')})`,
  );
  return [
    `  owners       ${policy.owners.join(', ') || '(only the people below)'}`,
    `  approvers    ${policy.approvers.join(', ') || '(none by name)'}`,
    ...(groups.length ? [`  groups       ${groups.join('; ')}`] : []),
    `  approvals    ${policy.approvals} distinct ${policy.approvals === 1 ? 'person' : 'people'}`,
    `  starter      ${policy.allowStarterToApprove ? 'may approve' : 'may not approve'}`,
    `  max timeout  ${policy.maxTimeout}`,
    `  set by       ${record.setBy} at ${record.setAt} (sha256 ${record.sha256.slice(0, 12)})`,
  ]
    .map(terminalSafe)
    .join('\n');
}
