import { existsSync, mkdtempSync } from 'node:fs';
import { stopHost } from '../../src/backends/local/hosting/ensure-host';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { runFerry, startFerry, watchOutput } from '../fixtures/ferry-cli';
import { processesMatching } from '../fixtures/processes';
import { Client, Connection } from '@temporalio/client';

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

/** What the reconcile schedule that `ferry dev` made on its server starts. */
async function reconcileScheduleAction(address: string) {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    return (await client.schedule.getHandle('ferry-reconcile/ferry').describe()).action;
  } finally {
    await connection.close();
  }
}

describe('ferry dev', () => {
  test('serves the Temporal UI, schedules reconcile, refuses a second copy, and stops everything on Ctrl-C', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'ferry-dev-'));
    // Without TEMPORAL_ADDRESS, ferry dev starts its own server.
    const env = { FERRY_HOME: home, TEMPORAL_ADDRESS: '' };
    const dev = startFerry(['dev'], { env });
    let hostUrl: string | undefined;
    const exited = exitOf(dev);
    const output = watchOutput(dev);
    try {
      const [, uiUrl] = await output.waitFor(/Temporal UI\s+(http:\/\/127\.0\.0\.1:\d+)/);
      await output.waitFor(/Press Ctrl-C to stop/);
      [, hostUrl] = await output.waitFor(/Endpoint host\s+(http:\/\/127\.0\.0\.1:\d+)/);
      await output.waitFor(
        /Reconcile\s+schedule ferry-reconcile\/ferry: ferry reconcile every 10 minutes/,
      );
      const [, address] = await output.waitFor(/Temporal server\s+(127\.0\.0\.1:\d+)/);
      expect(await reconcileScheduleAction(address ?? '')).toMatchObject({
        workflowType: 'reconcileWorkflow',
        taskQueue: 'ferry',
      });

      const page = await fetch(uiUrl ?? '');
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<html/i);
      expect(processesMatching(path.join(home, 'temporal.db')).length).toBeGreaterThan(0);
      expect(existsSync(path.join(home, 'dev-server.json'))).toBe(true);

      const second = runFerry(['dev'], { env });
      expect(second.status).toBe(2);
      expect(second.stderr).toMatch(
        /ferry dev is already running for .* \(pid \d+, server 127\.0\.0\.1:\d+\); stop it with Ctrl-C, or set FERRY_HOME/,
      );
    } finally {
      dev.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    await output.waitFor(/Stopped\./);
    expect(processesMatching(path.join(home, 'temporal.db'))).toEqual([]);
    expect(existsSync(path.join(home, 'dev-server.json'))).toBe(false);
    // The endpoint host is not stopped with it: endpoints outlive `ferry dev`.
    expect((await fetch(`${hostUrl ?? ''}/health`)).status).toBe(200);
    expect(await stopHost(home)).toBe(true);
  });
});
