import type { Command } from 'commander';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  type Client,
} from '@temporalio/client';
import { failureOf } from '../../temporal/run-ending';
import { connectClient } from '../../temporal/client';
import { ferryTaskQueue } from '../../temporal/task-queues';
import { ensureReconcileSchedule } from '../../temporal/reconcile-schedule';
import { parseDurationMs } from '../../config/duration';
import { UserError } from '../../shared/user-error';
import type { reconcileWorkflow } from '../../workflows/reconcile';
import {
  reconcileWorkflowIdOf,
  type ReconcileInput,
  type ReconcileResult,
} from '../../workflows/reconcile-definitions';
import { backendOption, regionOption, type BackendChoice } from '../backend-option';
import { formatReconcile } from '../format-reconcile';
import { print, printError, printJson } from '../print';
import { EXIT_UNEXPECTED } from '../exit-codes';

type ReconcileOptions = BackendChoice & {
  dryRun?: boolean;
  json?: boolean;
  schedule?: boolean;
  every: string;
};

/** A reconcile already running is waited for this many times before giving up. */
const MAX_WAITS = 3;

/**
 * `ferry reconcile`: runs the reconcile workflow on this deployment's task
 * queue (a worker does the repairs) and prints each repair; `--schedule`
 * instead creates or updates the Temporal Schedule that runs it.
 */
export function registerReconcile(program: Command): void {
  program
    .command('reconcile')
    .description(
      'find model versions and endpoints that disagree (a terminated run, a crash between two steps) and repair them, printing each repair',
    )
    .option('--dry-run', 'print the repairs it would make, and make none')
    .option('--json', 'print JSON')
    .option(
      '--schedule',
      'instead: create (or update) the Temporal Schedule that reconciles every --every, and exit',
    )
    .option('--every <interval>', 'with --schedule: how often, such as 10m or 1h', '10m')
    .addOption(backendOption())
    .addOption(regionOption())
    .action(async (options: ReconcileOptions) => {
      const choice = {
        backend: options.backend,
        ...(options.region ? { region: options.region } : {}),
      };
      if (options.schedule && options.dryRun)
        throw new UserError(
          '--dry-run and --schedule do not go together (a scheduled reconcile always repairs); drop one',
        );
      const { client, close } = await connectClient();
      try {
        if (options.schedule) return await schedule(client, choice, options.every);
        const result = await reconcileOnce(client, { ...choice, isDryRun: options.dryRun });
        if (options.json) printJson(result);
        else formatReconcile(result).forEach((line) => print(line));
        if (result.repairs.some((outcome) => outcome.error)) process.exitCode = EXIT_UNEXPECTED;
      } finally {
        await close();
      }
    });
}

async function schedule(client: Client, choice: BackendChoice, every: string): Promise<void> {
  const everyMs = parseDurationMs(every);
  if (everyMs === undefined || everyMs < 60_000)
    throw new UserError(
      `--every ${every} is not an interval of a minute or more; give one such as 10m or 1h`,
    );
  const taskQueue = ferryTaskQueue();
  const isCreated = await ensureReconcileSchedule(client, { taskQueue, choice, everyMs });
  const region = choice.region ? ` --region ${choice.region}` : '';
  print(
    `${isCreated ? 'created' : 'updated'} schedule ${reconcileWorkflowIdOf(taskQueue)}: ferry reconcile --backend ${choice.backend}${region} every ${every} on task queue ${taskQueue}`,
  );
}

/** A reconcile takes seconds; one that has not ended by then most likely has no worker to run it. */
const WORKER_HINT_AFTER_MS = 15_000;

async function withWorkerHint<T>(taskQueue: string, result: Promise<T>): Promise<T> {
  const hint = setTimeout(
    () =>
      printError(
        `still waiting: is a worker polling task queue '${taskQueue}'? ('ferry dev' runs one)`,
      ),
    WORKER_HINT_AFTER_MS,
  );
  try {
    return await result;
  } finally {
    clearTimeout(hint);
  }
}

/** Starts the reconcile workflow, after any one already running (the schedule's or another user's) ends. */
async function reconcileOnce(client: Client, input: ReconcileInput): Promise<ReconcileResult> {
  const taskQueue = ferryTaskQueue();
  const workflowId = reconcileWorkflowIdOf(taskQueue);
  for (let wait = 0; ; wait++) {
    try {
      const handle = await client.workflow.start<typeof reconcileWorkflow>('reconcileWorkflow', {
        taskQueue,
        workflowId,
        args: [input],
      });
      return await withWorkerHint(taskQueue, handle.result()).catch((error: unknown) => {
        if (!(error instanceof WorkflowFailedError)) throw error;
        // Its repairs are retried; this is what was left when the retries ran out.
        throw new UserError(
          `reconcile ${workflowId} failed: ${failureOf(error).message}; 'ferry reconcile --dry-run' shows what it would repair`,
          EXIT_UNEXPECTED,
        );
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError) || wait >= MAX_WAITS)
        throw error;
      printError(`another reconcile (${workflowId}) is running; waiting for it to end`);
      await client.workflow
        .getHandle(workflowId)
        .result()
        .catch(() => undefined);
    }
  }
}
