import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { EndpointDescription } from '../../src/backends/hosting';
import { EndpointStore } from '../../src/backends/local/hosting/endpoint-store';
import { ensureHost } from '../../src/backends/local/hosting/ensure-host';
import { LocalHostingClient } from '../../src/backends/local/hosting/hosting-client';
import { processIdentity } from '../../src/backends/local/hosting/process-identity';
import { startReplica, type ReplicaProcess } from '../../src/backends/local/hosting/replica';
import { localRegistryFile } from '../../src/backends/local/sqlite-registry';
import { WarmRunner } from '../../src/python/warm-runner';
import { trainPenguinsModel } from '../fixtures/trained-model';
import { cleanUpHome, makeHome, PROJECT_ROOT, processesOf, waitUntil } from './fault-kit';

/**
 * The endpoint host killed with SIGKILL, as an OOM kill or a crash would:
 * it cannot stop its replicas, so they must end on their own, and whatever
 * still outlives it must be ended by the next host.
 */

const ENDPOINT = 'pen';
const REPLICAS = 2;

let workDir: string;
let home: string;
let modelDir: string;
let hosting: LocalHostingClient;
let store: EndpointStore;
let stray: ReplicaProcess | undefined;
let bystander: ChildProcess | undefined;
const logLevel = process.env.FERRY_LOG_LEVEL;

beforeAll(async () => {
  // The stray test reads the order of the host's INFO lines in host.log.
  process.env.FERRY_LOG_LEVEL = 'INFO';
  const outputDir = path.join(PROJECT_ROOT, 'test-output');
  mkdirSync(outputDir, { recursive: true });
  workDir = mkdtempSync(path.join(outputDir, 'host-killed-'));
  home = makeHome('host-killed');
  hosting = new LocalHostingClient(home, { exitWithParent: true });
  modelDir = (await trainPenguinsModel(workDir)).modelDir;
  store = new EndpointStore(localRegistryFile(home));
}, 60_000);

afterAll(async () => {
  process.env.FERRY_LOG_LEVEL = logLevel;
  await stray?.stop();
  bystander?.kill('SIGKILL');
  store?.close();
  await WarmRunner.stopShared();
  rmSync(workDir, { recursive: true, force: true });
  expect(await cleanUpHome(home)).toEqual([]);
});

/** Gone, not a zombie: a reaped or unreaped corpse holds no port, memory or model. */
const isRunning = (pid: number) => processIdentity(pid) !== undefined;

const readyPids = (e: EndpointDescription) =>
  e.replicas.filter((r) => r.state === 'ready').map((r) => r.pid);

async function startHost(): Promise<number> {
  return (await ensureHost(home, { exitWithParent: true })).pid;
}

function servingEndpoint(): Promise<EndpointDescription> {
  return waitUntil(`${ENDPOINT} serves with ${REPLICAS} ready replicas`, async () => {
    const endpoint = await hosting.describe(ENDPOINT);
    return endpoint?.status === 'InService' && readyPids(endpoint).length === REPLICAS
      ? endpoint
      : undefined;
  });
}

/** The host's log lines, as JSON, from the host with this pid. */
function hostLogOf(pid: number): { msg: string; pid: number; [key: string]: unknown }[] {
  return readFileSync(path.join(home, 'host.log'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg: string; pid: number })
    .filter((line) => line.pid === pid);
}

test('its replicas are gone within 5 s of the host’s SIGKILL, and nothing of the home is left', async () => {
  const hostPid = await startHost();
  await hosting.deploy({
    endpoint: ENDPOINT,
    deploymentId: `${ENDPOINT}-d1`,
    model: { group: 'penguins', version: 1, algorithm: 'linear', modelDir },
    policy: {
      minReplicas: REPLICAS,
      maxReplicas: REPLICAS,
      targetInvocationsPerReplica: 10,
      metricWindowSeconds: 1,
      scaleOutCooldownSeconds: 1,
      scaleInCooldownSeconds: 3,
      coldStartTimeoutSeconds: 30,
    },
  });
  const replicas = readyPids(await servingEndpoint());
  expect(replicas.every(isRunning)).toBe(true);

  process.kill(hostPid, 'SIGKILL');
  const killedAtMs = Date.now();
  await waitUntil('the replicas end', () => !replicas.some(isRunning), 5_000, 20);
  expect(Date.now() - killedAtMs).toBeLessThan(5_000);
  expect(processesOf(home)).toEqual([]);
}, 120_000);

test('a restarted host ends a stray replica that outlived its host before it restores the endpoint, and leaves a reused pid alone', async () => {
  const secondHost = await startHost();
  const restored = readyPids(await servingEndpoint());
  // The host records each replica it runs, and nothing else.
  expect(store.recordedReplicas().map((r) => r.pid)).toEqual([...restored].sort((a, b) => a - b));

  // The one seam: a replica started the way the host starts them, recorded
  // in the host's store the way the host records them, but by this process,
  // which therefore holds its stdin pipe open. A SIGKILL of the host cannot
  // end it: a stray, as one whose pipe another process held would be.
  stray = await startReplica({
    algorithm: 'linear',
    modelDir,
    ledger: {
      record: (pid, startId) =>
        store.recordReplica({ pid, startId, endpoint: ENDPOINT, replica: `${ENDPOINT}-stray` }),
      forget: (pid) => store.forgetReplica(pid),
    },
  });
  // A recorded pid that now belongs to another program (its start differs): never to be signalled.
  bystander = spawn('sleep', ['300'], { stdio: 'ignore' });
  store.recordReplica({
    pid: bystander.pid!,
    startId: 'a process that started before',
    endpoint: ENDPOINT,
    replica: `${ENDPOINT}-r99`,
  });

  process.kill(secondHost, 'SIGKILL');
  await waitUntil("the host's own replicas end", () => !restored.some(isRunning), 5_000, 20);
  expect(stray.isAlive()).toBe(true);

  const thirdHost = await startHost();
  // SIGTERM to its group: it stops as a replica does on a clean stop.
  await waitUntil('the new host ends the stray', () => !stray?.isAlive(), 10_000);
  expect(await stray.exited).toEqual({ code: 0, signal: null });
  const fresh = readyPids(await servingEndpoint());
  expect(fresh).not.toContain(stray.pid);
  expect(fresh.some((pid) => restored.includes(pid))).toBe(false);
  expect(isRunning(bystander.pid!)).toBe(true);
  expect(store.recordedReplicas().map((r) => r.pid)).toEqual([...fresh].sort((a, b) => a - b));

  const events = hostLogOf(thirdHost);
  const ended = events.findIndex(
    (e) => e.msg === 'ended a stray replica left running by an earlier host',
  );
  expect(events[ended]).toMatchObject({
    replicaPid: stray.pid,
    endpoint: ENDPOINT,
    replica: `${ENDPOINT}-stray`,
  });
  expect(events).toContainEqual(
    expect.objectContaining({
      msg: "a recorded replica's pid now belongs to another process; left alone",
      replica: `${ENDPOINT}-r99`,
    }),
  );
  const restoredAt = events.findIndex((e) => e.msg === 'endpoint restored');
  expect(ended).toBeGreaterThanOrEqual(0);
  expect(ended).toBeLessThan(restoredAt);
}, 180_000);
