import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { EndpointDescription, ScalingPolicy } from '../../src/backends/hosting';
import { LocalHostingClient } from '../../src/backends/local/hosting/hosting-client';
import { ensureHost, stopHost } from '../../src/backends/local/hosting/ensure-host';
import { WarmRunner } from '../../src/python/warm-runner';
import { createHttpInvoker, runLoadTest } from '../../src/loadtest';
import { PENGUIN_ROWS_CSV, trainPenguinsModel } from '../fixtures/trained-model';

/**
 * The local hosting stack for real: a `ferry host` process, its router, its
 * Python replicas and its autoscaler, driven through the control API the
 * activities use, with load from the same open-loop generator.
 */

const OUTPUT_DIR = path.resolve(__dirname, '..', '..', 'test-output');

let workDir: string;
let home: string;
let modelDir: string;
let hosting: LocalHostingClient;
let endpointCount = 0;

const POLICY: ScalingPolicy = {
  minReplicas: 1,
  maxReplicas: 3,
  targetInvocationsPerReplica: 10,
  metricWindowSeconds: 1,
  scaleOutCooldownSeconds: 1,
  scaleInCooldownSeconds: 3,
  coldStartTimeoutSeconds: 30,
};

beforeAll(async () => {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  workDir = mkdtempSync(path.join(OUTPUT_DIR, 'hosting-'));
  home = path.join(workDir, 'home');
  hosting = new LocalHostingClient(home, { exitWithParent: true });
  modelDir = (await trainPenguinsModel(workDir)).modelDir;
}, 60_000);

afterAll(async () => {
  await stopHost(home);
  await WarmRunner.stopShared();
  rmSync(workDir, { recursive: true, force: true });
});

async function deploy(policy: Partial<ScalingPolicy> = {}, version = 1) {
  const endpoint = `pen-${++endpointCount}`;
  const full = { ...POLICY, ...policy };
  await hosting.deploy({
    endpoint,
    deploymentId: `${endpoint}-d${version}`,
    model: { group: 'penguins', version, algorithm: 'linear', modelDir },
    policy: full,
  });
  const live = await waitFor(endpoint, (e) => e.status === 'InService');
  await hosting.setScalingPolicy(endpoint, full);
  return live;
}

async function waitFor(
  endpoint: string,
  isDone: (e: EndpointDescription) => boolean,
  timeoutMs = 30_000,
): Promise<EndpointDescription> {
  const deadline = Date.now() + timeoutMs;
  let last: EndpointDescription | undefined;
  while (Date.now() < deadline) {
    last = await hosting.describe(endpoint);
    if (last && isDone(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${endpoint} did not get there in time; last seen: ${JSON.stringify(last)}`);
}

function load(url: string, ratePerSecond: number, durationSeconds: number) {
  const invoker = createHttpInvoker({
    url: `${url}/invocations`,
    body: PENGUIN_ROWS_CSV,
    contentType: 'text/csv',
    timeoutMs: 10_000,
  });
  return runLoadTest(
    {
      arrival: 'constant',
      phases: [{ durationSeconds, ratePerSecond }],
      requestTimeoutMs: 10_000,
      seed: 1,
    },
    (signal) => invoker.send(signal),
  ).finally(() => invoker.close());
}

const ready = (e: EndpointDescription) => e.replicas.filter((r) => r.state === 'ready');

describe('local endpoints', () => {
  test('serve the SageMaker Runtime path and refuse another endpoint name', async () => {
    const live = await deploy();
    const body = {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: PENGUIN_ROWS_CSV,
    };
    const answer = await fetch(`${live.url}/endpoints/${live.name}/invocations`, body);
    expect(answer.status).toBe(200);
    const predictions = (await answer.json()) as { labels: string[] };
    expect(predictions.labels).toEqual(['Gentoo', 'Adelie']);
    const wrong = await fetch(`${live.url}/endpoints/someone-else/invocations`, body);
    expect(wrong.status).toBe(404);
    expect(await wrong.text()).toMatch(/Endpoint someone-else not found/);
  });

  test('a load step scales out and, after the cooldown, back in', async () => {
    const live = await deploy();
    const result = await load(live.url, 40, 4);
    expect(result.errors).toBe(0);
    const grown = await hosting.describe(live.name);
    expect(grown?.desiredReplicas).toBeGreaterThan(1);
    await waitFor(live.name, (e) => e.desiredReplicas === 1 && e.replicas.length === 1, 20_000);

    const log = await hosting.scalingActivities(live.name);
    const out = log.find((a) => a.toReplicas > a.fromReplicas && /scale out/.test(a.cause));
    const back = log.find((a) => a.toReplicas === 1 && /scale in/.test(a.cause));
    expect(out?.cause).toMatch(/per replica on 1 \(target 10\), above target: scale out/);
    expect(back).toBeDefined();
    const lastOut = log.filter((a) => /scale out/.test(a.cause)).at(-1);
    const quietMs = Date.parse(back?.at ?? '') - Date.parse(lastOut?.at ?? '');
    expect(quietMs).toBeGreaterThanOrEqual(POLICY.scaleInCooldownSeconds * 1000);
  }, 60_000);

  test('killing a replica under load loses at most its in-flight requests, and the count recovers', async () => {
    const live = await deploy({ minReplicas: 2, maxReplicas: 2 });
    const before = ready(live);
    expect(before).toHaveLength(2);
    const victim = before[0]?.pid ?? 0;
    const running = load(live.url, 30, 4);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    process.kill(victim, 'SIGKILL');
    const result = await running;
    // At most the victim's in-flight requests could fail, and not even those:
    // the router answers nothing until the replica has, and inference has no
    // side effects, so it sends them again to the other replica.
    expect(result.errors).toBe(0);
    expect(result.ok).toBeGreaterThan(100);
    const healed = await waitFor(live.name, (e) => ready(e).length === 2);
    expect(ready(healed).map((r) => r.pid)).not.toContain(victim);
    const log = await hosting.scalingActivities(live.name);
    expect(log.map((a) => a.cause)).toContainEqual(
      expect.stringMatching(/exited \(signal SIGKILL\); replacing it/),
    );
  }, 60_000);

  test('an update moves traffic blue/green: no request fails while the version changes', async () => {
    const live = await deploy();
    const oldPids = ready(live).map((r) => r.pid);
    const running = load(live.url, 20, 4);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await hosting.deploy({
      endpoint: live.name,
      deploymentId: `${live.name}-d2`,
      model: { group: 'penguins', version: 2, algorithm: 'linear', modelDir },
      policy: POLICY,
    });
    const updated = await waitFor(live.name, (e) => e.current?.deploymentId === `${live.name}-d2`);
    const result = await running;
    expect(result.errors).toBe(0);
    expect(updated.previous?.model.version).toBe(1);
    const drained = await waitFor(live.name, (e) =>
      e.replicas.every((r) => r.deploymentId.endsWith('d2')),
    );
    expect(ready(drained).map((r) => r.pid)).not.toEqual(expect.arrayContaining(oldPids));
  }, 60_000);

  test('scales to zero when idle, and the next request waits for a cold start', async () => {
    const live = await deploy({ minReplicas: 0, scaleInCooldownSeconds: 1 });
    await waitFor(live.name, (e) => e.desiredReplicas === 0 && e.replicas.length === 0, 20_000);
    const started = Date.now();
    const answer = await fetch(`${live.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: PENGUIN_ROWS_CSV,
    });
    expect(`${answer.status} ${await answer.text()}`).toMatch(/^200 /);
    expect(Date.now() - started).toBeGreaterThan(200);
    const log = await hosting.scalingActivities(live.name);
    const coldStart = log.find((a) => /cold start/.test(a.cause));
    expect(coldStart).toMatchObject({ fromReplicas: 0, toReplicas: 1 });
    expect(log.indexOf(coldStart!)).toBeGreaterThan(log.findIndex((a) => a.toReplicas === 0));
  }, 60_000);

  test('the control API wants the host token', async () => {
    const host = await ensureHost(home);
    const anonymous = await fetch(`${host.url}/endpoints`);
    expect(anonymous.status).toBe(401);
    const forged = await fetch(`${host.url}/endpoints`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(forged.status).toBe(401);
  });

  test('a restarted host brings its endpoints back on the same address', async () => {
    const live = await deploy();
    await stopHost(home);
    const restored = await waitFor(live.name, (e) => ready(e).length === 1);
    expect(restored.url).toBe(live.url);
    expect(restored.current?.deploymentId).toBe(live.current?.deploymentId);
    const answer = await fetch(`${live.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: PENGUIN_ROWS_CSV,
    });
    expect(answer.status).toBe(200);
  }, 60_000);
});
