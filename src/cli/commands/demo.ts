import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { localEndpointHost, stopBackendProcesses } from '../../backends/compose-backends';
import { connectClient } from '../../temporal/client';
import { startLocalWorker, type LocalWorker } from '../../temporal/local-worker';
import { ferryHome, PROJECT_ROOT } from '../../shared/project-paths';
import { ferryTaskQueue } from '../../temporal/task-queues';
import { installWorkerLogging } from '../../temporal/worker-logging';
import type { PipelineResult } from '../../workflows/definitions';
import type { trainingPipeline } from '../../workflows/pipeline';
import { sendDecision } from '../../temporal/run-control';
import { UserError } from '../../shared/user-error';
import { followRun } from '../follow-run';
import { findOrStartServer, type LocalServer } from '../local-server';
import { startPipelineRun } from '../start-run';
import { localSigner } from '../local-signer';
import { print } from '../print';
import { terminalSafe } from '../../text/safe-text';

const DEMO_PIPELINE = path.join(PROJECT_ROOT, 'examples', 'churn.yaml');
const DEMO_ROW = path.join(PROJECT_ROOT, 'examples', 'churn-row.json');
const DEMO_APPROVER = 'demo';
const APPROVAL_PAUSE_MS = 3_000;

interface DemoOptions {
  waitForApproval?: boolean;
  pipeline: string;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'run the churn pipeline end to end on the local backend: train, select, register, approve, deploy, load-test, report',
    )
    .option('--wait-for-approval', 'wait for your own `ferry approve` instead of approving as demo')
    .option('--pipeline <file>', 'another pipeline file to demonstrate', DEMO_PIPELINE)
    .action(async (options: DemoOptions) => {
      process.exitCode = await runDemo(options);
    });
}

async function runDemo(options: DemoOptions): Promise<number> {
  const home = ferryHome();
  mkdirSync(home, { recursive: true });
  console.log(`Ferry demo: ${path.relative(process.cwd(), options.pipeline)} on the local backend`);
  console.log(`State        ${home}`);
  installWorkerLogging();
  const server = await findOrStartServer(home, { log: (line) => console.log(line) });
  // A worker of our own unless a `ferry dev` (with its worker) already runs here.
  const worker = server ? await startDemoWorker(server, home) : undefined;
  if (server?.uiUrl) console.log(`Temporal UI  ${server.uiUrl}`);
  if (!server) console.log('Using the server and worker of the running `ferry dev`.');
  const host = await localEndpointHost.ensure(home);
  console.log(`Endpoints    served by the ferry host at ${host.url} (pid ${host.pid})`);

  const { client, close } = await connectClient();
  try {
    const { config, runId, startedBy } = await startPipelineRun(client, options.pipeline);
    const handle = client.workflow.getHandle<typeof trainingPipeline>(runId);
    print(`run ${runId} started by ${startedBy}`);
    const { exitCode, result } = await followRun(handle, config, {
      onAwaitingApproval: async () => {
        if (options.waitForApproval) return;
        console.log(
          `approving in ${APPROVAL_PAUSE_MS / 1000} s as ${DEMO_APPROVER}, vouched for by this machine's local issuer, ` +
            `as ${DEMO_APPROVER} would by \`ferry approve ${runId} -m "demo: approved automatically"\``,
        );
        await new Promise((resolve) => setTimeout(resolve, APPROVAL_PAUSE_MS));
        // The demo speaks for a stand-in approver with the local issuer's key, which only
        // this machine's owner can read; `ferry approve` signs as the OS user only.
        const demoApprover = { issuer: (await localSigner(home)).issuer, subject: DEMO_APPROVER };
        const outcome = await sendDecision(
          handle,
          'approve',
          demoApprover,
          'demo: approved automatically',
        );
        if (!outcome.isAccepted)
          throw new UserError(`the demo's approval was refused: ${outcome.reason}`);
        console.log(`approved by ${DEMO_APPROVER}`);
      },
    });
    if (result) printNextSteps(result);
    return exitCode;
  } finally {
    await close();
    await worker?.stop();
    await stopBackendProcesses();
    if (server?.isOwned) await server.stop();
  }
}

async function startDemoWorker(server: LocalServer, home: string): Promise<LocalWorker> {
  const worker = await startLocalWorker({
    address: server.address,
    taskQueue: ferryTaskQueue(),
    home,
  });
  // The native worker holds no handle of its own while it waits for tasks.
  const keepAlive = setInterval(() => undefined, 1_000);
  return {
    ...worker,
    async stop() {
      clearInterval(keepAlive);
      await worker.stop();
    },
  };
}

function printNextSteps(result: PipelineResult): void {
  const sample = result.release?.loadTest?.sample;
  const endpoint = result.release?.deployment?.endpoint;
  if (sample) {
    console.log('sample prediction:');
    print(`  request  ${sample.request}`);
    print(`  response ${sample.response}`);
  }
  if (result.championGate?.passed === false) {
    console.log(
      'The demo trains the same candidates on every run (candidates.seed), so this run ties with ' +
        'the version an earlier demo approved, and the champion gate keeps that one serving ' +
        '(`ferry endpoints list`). Change candidates.seed in the pipeline to see a new winner compete.',
    );
  }
  if (result.outcome !== 'deployed' || !endpoint) return;
  console.log(
    [
      `endpoint ${endpoint} is live and stays up after this command; try:`,
      `  ferry invoke ${endpoint} ${path.relative(process.cwd(), DEMO_ROW)}`,
      '  ferry endpoints list',
      `  ferry endpoints delete ${endpoint}`,
    ]
      .map(terminalSafe)
      .join('\n'),
  );
}
