import type { Command } from 'commander';
import { WorkflowNotFoundError } from '@temporalio/client';
import { connectClient } from '../../temporal/client';
import { sendDecision } from '../../temporal/run-control';
import { EXIT_REFUSED } from '../exit-codes';
import { UserError } from '../../shared/user-error';
import { whoAmI } from '../who-am-i';
import { pastTense } from '../../workflows/approval-rules';

interface DecideOptions {
  as?: string;
  message?: string;
}

/** `ferry approve` and `ferry reject`: a Temporal update, checked by the run's rules before it is accepted. */
export function registerDecide(program: Command): void {
  for (const action of ['approve', 'reject'] as const) {
    program
      .command(action)
      .description(`${action} the model of a run that is waiting for a decision`)
      .argument('<run>', 'run id')
      .option('--as <name>', 'who is deciding (default: FERRY_USER, then the OS user)')
      .option('-m, --message <text>', action === 'reject' ? 'why (required)' : 'why')
      .action(async (runId: string, options: DecideOptions) => {
        const { client, close } = await connectClient();
        try {
          const approver = whoAmI(options.as);
          const outcome = await sendDecision(client.workflow.getHandle(runId), action, {
            approver,
            message: options.message,
          }).catch((error: unknown) => {
            if (error instanceof WorkflowNotFoundError)
              throw new UserError(`no run '${runId}'; 'ferry run' prints run ids`);
            throw error;
          });
          if (!outcome.isAccepted) throw new UserError(`refused: ${outcome.reason}`, EXIT_REFUSED);
          console.log(`${runId}: ${pastTense(action)} by ${approver}`);
        } finally {
          await close();
        }
      });
  }
}
