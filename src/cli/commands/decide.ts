import type { Command } from 'commander';
import { WorkflowNotFoundError } from '@temporalio/client';
import { connectClient } from '../../temporal/client';
import { sendDecision } from '../../temporal/run-control';
import { EXIT_REFUSED } from '../exit-codes';
import { UserError } from '../../shared/user-error';
import { apiTarget, callApi } from '../api-client';
import { localSigner } from '../local-signer';
import { pastTense } from '../../workflows/approval-rules';
import type { DecisionAccepted } from '../../workflows/definitions';
import { decisionOnEndedRun } from '../../temporal/run-ending';
import { terminalSafe } from '../../text/safe-text';

interface DecideOptions {
  message?: string;
}

/**
 * `ferry approve` and `ferry reject`: as the authenticated you, through the
 * API when FERRY_API_URL is set, else as this machine's user with its local
 * issuer. There is no `--as`: who decides is proven, not typed.
 */
export function registerDecide(program: Command): void {
  for (const action of ['approve', 'reject'] as const) {
    program
      .command(action)
      .description(`${action} the model of a run that is waiting for a decision`)
      .argument('<run>', 'run id')
      .option('-m, --message <text>', action === 'reject' ? 'why (required)' : 'why')
      .action(async (runId: string, options: DecideOptions) => {
        const decision = await decide(runId, action, options.message);
        const quorum =
          decision.approvalsNeeded > 1 && action === 'approve'
            ? ` (${decision.approvals} of ${decision.approvalsNeeded} approvals)`
            : '';
        console.log(
          terminalSafe(`${runId}: ${pastTense(action)} by ${decision.approver}${quorum}`),
        );
      });
  }
}

async function decide(
  runId: string,
  action: 'approve' | 'reject',
  message: string | undefined,
): Promise<DecisionAccepted> {
  const api = apiTarget();
  if (api) {
    const route = `/runs/${encodeURIComponent(runId)}/${action}`;
    return callApi<DecisionAccepted>(api, 'POST', route, { message }, EXIT_REFUSED);
  }
  const { client, close } = await connectClient();
  try {
    const handle = client.workflow.getHandle(runId);
    const ended = async () => {
      // describe() tells a run that ended (exit 3, and how it ended) from one that never was (exit 2).
      const { status } = await handle.describe().catch((error: unknown) => {
        if (error instanceof WorkflowNotFoundError)
          throw new UserError(`no run '${runId}'; 'ferry run' prints run ids`);
        throw error;
      });
      return status.name === 'RUNNING' ? undefined : await decisionOnEndedRun(handle);
    };
    const before = await ended();
    if (before) throw new UserError(before, EXIT_REFUSED);
    const outcome = await sendDecision(handle, action, await localSigner(), message).catch(
      async (error: unknown) => {
        // The run closed between the look-up and the update.
        const after = error instanceof WorkflowNotFoundError ? await ended() : undefined;
        if (after) throw new UserError(after, EXIT_REFUSED);
        throw error;
      },
    );
    if (!outcome.isAccepted) throw new UserError(`refused: ${outcome.reason}`, EXIT_REFUSED);
    return outcome.decision;
  } finally {
    await close();
  }
}
