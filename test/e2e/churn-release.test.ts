import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { validatePipelineFile } from '../../src/config/validate-pipeline';
import { approveWhenWaiting } from '../../src/temporal/run-control';
import { PIPELINE_STEPS } from '../../src/workflows/release-definitions';
import type { RunReport } from '../../src/report';
import { startWorkerHarness, type WorkerHarness } from '../fixtures/ferry-worker';
import { person, startRunAs } from '../fixtures/people';
import { EXAMPLES_DIR } from '../fixtures/pipelines';

let harness: WorkerHarness;
beforeAll(async () => {
  harness = await startWorkerHarness();
});
afterAll(async () => {
  await harness?.stop();
});

/**
 * The demo pipeline end to end on the real dev server: train, select,
 * register, approve, deploy, scale, load-test, report; then the endpoint
 * answers the official AWS SDK client.
 */
test('an approved churn run serves InvokeEndpoint from the AWS SDK and reports all eight steps', async () => {
  const validation = await validatePipelineFile(path.join(EXAMPLES_DIR, 'churn.yaml'));
  if (!validation.ok) throw new Error(JSON.stringify(validation.problems));
  const endpoint = `churn-e2e-${randomBytes(3).toString('hex')}`;
  const config = {
    ...validation.config,
    dataset: {
      ...validation.config.dataset,
      path: path.join(EXAMPLES_DIR, 'data', 'wa_churn.csv'),
    },
    // Fewer candidates and a shorter load than the demo: the steps are the same.
    candidates: { ...validation.config.candidates, count: 3 },
    modelGroup: endpoint,
    endpoint: { ...validation.config.endpoint, name: endpoint },
    loadTest: {
      ...validation.config.loadTest,
      phases: [{ name: 'steady', durationSeconds: 4, ratePerSecond: 10 }],
      slo: { latencyP99Ms: 3000, maxErrorRate: 0.01 },
    },
  };
  const handle = await startRunAs(harness.client, await person(harness.home, 'carol'), {
    taskQueue: harness.taskQueue,
    workflowId: `ferry-e2e-${randomBytes(4).toString('hex')}`,
    config,
  });
  const result = await approveWhenWaiting(handle, await person(harness.home, 'alice'), 'ship it');
  expect(result.outcome).toBe('deployed');
  const deployment = result.release?.deployment;
  expect(deployment?.endpoint).toBe(endpoint);

  const runtime = new SageMakerRuntimeClient({
    endpoint: deployment?.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const answer = await runtime.send(
    new InvokeEndpointCommand({
      EndpointName: endpoint,
      ContentType: 'application/json',
      Accept: 'application/json',
      Body: readFileSync(path.join(EXAMPLES_DIR, 'churn-row.json')),
    }),
  );
  const predictions = JSON.parse(Buffer.from(answer.Body ?? []).toString('utf8')) as {
    classes: string[];
    probabilities: number[][];
  };
  expect(predictions.classes).toEqual(['No', 'Yes']);
  expect(predictions.probabilities).toHaveLength(2);
  for (const row of predictions.probabilities) {
    expect(row[0]! + row[1]!).toBeCloseTo(1, 9);
  }
  runtime.destroy();

  const report = JSON.parse(readFileSync(result.report?.json ?? '', 'utf8')) as RunReport;
  expect(report.steps.map((s) => s.step)).toEqual([...PIPELINE_STEPS]);
  expect(report.steps.map((s) => s.status)).toEqual(PIPELINE_STEPS.map(() => 'done'));
  expect(report.loadTest?.verdict.passed).toBe(true);
  // Poisson arrivals at 10/s for 4 s: about 40, all answered.
  expect(report.loadTest?.result.sent).toBeGreaterThan(20);
  expect(report.loadTest?.result.ok).toBe(report.loadTest?.result.sent);
  expect(report.scaling[0]?.cause).toMatch(/^deployed /);
  const markdown = readFileSync(result.report?.markdown ?? '', 'utf8');
  expect(markdown).toMatch(/## Load test/);
  expect(markdown).toContain(endpoint);
  const page = readFileSync(result.report?.html ?? '', 'utf8');
  expect(page.match(/<svg/g)?.length).toBeGreaterThanOrEqual(4);
}, 240_000);
