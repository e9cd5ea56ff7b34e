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
        console.log(`${runId}: ${pastTense(action)} by ${decision.approver}${quorum}`);
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
    const outcome = await sendDecision(
      client.workflow.getHandle(runId),
      action,
      await localSigner(),
      message,
    ).catch((error: unknown) => {
      if (error instanceof WorkflowNotFoundError)
        throw new UserError(`no run '${runId}'; 'ferry run' prints run ids`);
      throw error;
    });
    if (!outcome.isAccepted) throw new UserError(`refused: ${outcome.reason}`, EXIT_REFUSED);
    return outcome.decision;
  } finally {
    await close();
  }
}
