import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { msToTs } from '@temporalio/common/lib/time';
import { startDevServer } from '../../src/temporal/dev-server';
import { httpStatus } from '../../src/shared/http-status';
import { isProcessGroupAlive } from '../../src/shared/process-group';
import { processesMatching } from '../fixtures/processes';

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

/** A process that starts a dev server and then just waits (to be killed by the test). */
const STARTER = `
const { startDevServer } = require('./src/temporal/dev-server');
startDevServer({ dbFile: process.argv[1], logFile: process.argv[2], isUiEnabled: false }).then(() => {
  console.log('ready');
  setInterval(() => undefined, 60000);
});`;

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'ferry-devserver-'));
}

describe('the Temporal dev server lifecycle', () => {
  test('starts on free ports with the search attributes and the UI, and stops with no process left', async () => {
    const dir = tempDir();
    const dbFile = path.join(dir, 'temporal.db');
    const server = await startDevServer({ dbFile, logFile: path.join(dir, 'server.log') });
    try {
      expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
      const connection = await Connection.connect({ address: server.address });
      try {
        const { customAttributes } = await connection.operatorService.listSearchAttributes({
          namespace: 'default',
        });
        expect(customAttributes).toMatchObject({
          FerryStage: KEYWORD,
          FerryModelGroup: KEYWORD,
          FerryBackend: KEYWORD,
        });
      } finally {
        await connection.close();
      }
      expect(await httpStatus(server.uiUrl ?? 'no UI url')).toBe(200);
      // The watchdog shell (the group leader) and the server itself.
      expect(processesMatching(dbFile)).toContain(server.pid);
    } finally {
      await server.stop();
    }
    expect(isProcessGroupAlive(server.pid)).toBe(false);
    expect(processesMatching(dbFile)).toEqual([]);
  });

  test('goes away when the process that started it is killed, leaving no orphan', async () => {
    const dir = tempDir();
    const dbFile = path.join(dir, 'temporal.db');
    const starter = spawn(
      process.execPath,
      ['-r', 'tsx/cjs', '-e', STARTER, dbFile, path.join(dir, 'server.log')],
      {
        cwd: path.resolve(__dirname, '..', '..'),
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve) =>
      starter.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve()),
    );
    expect(processesMatching(dbFile).length).toBeGreaterThan(0);
    starter.kill('SIGKILL');
    for (let i = 0; i < 100 && processesMatching(dbFile).length > 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(processesMatching(dbFile)).toEqual([]);
  });

  test('keeps workflow history in its database file across a restart', async () => {
    const dir = tempDir();
    const options = {
      dbFile: path.join(dir, 'temporal.db'),
      logFile: path.join(dir, 'server.log'),
      isUiEnabled: false,
    };
    const first = await startDevServer(options);
    const namespace = 'ferry-persist-check';
    try {
      const connection = await Connection.connect({ address: first.address });
      await connection.workflowService.registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs('1 day'),
      });
      await connection.close();
    } finally {
      await first.stop();
    }
    const second = await startDevServer(options);
    try {
      const connection = await Connection.connect({ address: second.address });
      const described = await connection.workflowService.describeNamespace({ namespace });
      await connection.close();
      expect(described.namespaceInfo?.name).toBe(namespace);
    } finally {
      await second.stop();
    }
  });

  test('fails with the server log when its port is taken, leaving nothing running', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const dir = tempDir();
    const dbFile = path.join(dir, 'temporal.db');
    try {
      await expect(
        startDevServer({
          dbFile,
          logFile: path.join(dir, 'server.log'),
          port,
          isUiEnabled: false,
          readyTimeoutMs: 30_000,
        }),
      ).rejects.toThrow(/exited during start-up .*address already in use/i);
    } finally {
      blocker.close();
    }
    expect(processesMatching(dbFile)).toEqual([]);
  });
});
