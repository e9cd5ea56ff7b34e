import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { pipelineSchema } from '../../src/config/pipeline-schema';
import { approveWhenWaiting } from '../../src/temporal/run-control';
import type { PipelineResult } from '../../src/workflows/definitions';
import { runFerryAsync } from '../fixtures/ferry-cli';
import { startWorkerHarness, type WorkerHarness } from '../fixtures/ferry-worker';
import { person, startRunAs } from '../fixtures/people';
import { penguinsOneModel } from '../fixtures/pipelines';

/** Debian's chromium package: CI installs it (.ci/run); the test never downloads a browser. */
const CHROMIUM = '/usr/bin/chromium';
const OUTPUT_DIR = path.resolve(__dirname, '..', '..', 'test-output', 'report-html');

/** What each chart must draw in a real deployed run: Vega mark groups and the elements in them. */
const CHART_MARKS: Record<string, { selector: string; atLeast: number }[]> = {
  leaderboard: [{ selector: 'g.mark-rect.role-mark path', atLeast: 1 }],
  latency: [
    { selector: 'g.mark-line.role-mark path', atLeast: 2 },
    { selector: 'g.mark-rule.role-mark line', atLeast: 1 },
  ],
  'request-rate': [{ selector: 'g.mark-line.role-mark path', atLeast: 3 }],
  replicas: [
    { selector: 'g.mark-line.role-mark path', atLeast: 1 },
    { selector: 'g.mark-symbol.role-mark path', atLeast: 2 },
  ],
};

let harness: WorkerHarness;
let browser: Browser | undefined;
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no browser at ${CHROMIUM}: install Debian's chromium (\`apt-get install chromium\`); ` +
        '.ci/run installs it in CI',
    );
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  harness = await startWorkerHarness();
});
afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

/**
 * A real run that deploys and scales out: one replica at 20 requests per
 * second against a target of 10 per 2-second window asks for a second one.
 */
async function deployedRun(): Promise<PipelineResult> {
  const group = `report-${randomBytes(3).toString('hex')}`;
  const config = pipelineSchema.parse(
    penguinsOneModel(group, {
      endpoint: {
        minReplicas: 1,
        maxReplicas: 2,
        targetInvocationsPerReplica: 10,
        metricWindowSeconds: 2,
        scaleOutCooldownSeconds: 1,
        scaleInCooldownSeconds: 300,
      },
      loadTest: {
        phases: [{ durationSeconds: 6, ratePerSecond: 20 }],
        slo: { latencyP99Ms: 3000 },
      },
    }),
  );
  const handle = await startRunAs(harness.client, await person(harness.home, 'carol'), {
    taskQueue: harness.taskQueue,
    workflowId: `ferry-report-${randomBytes(4).toString('hex')}`,
    config,
  });
  return approveWhenWaiting(handle, await person(harness.home, 'alice'), 'ship it');
}

describe('ferry report --html', () => {
  test('writes a page whose charts render in Chromium with no errors and no requests', async () => {
    const result = await deployedRun();
    expect(result.outcome).toBe('deployed');
    expect(result.report?.json).toBe(path.join(harness.home, 'runs', result.runId, 'report.json'));

    const file = path.join(OUTPUT_DIR, `${result.runId}.html`);
    const cli = await runFerryAsync(['report', result.runId, '--html', file], {
      env: { FERRY_HOME: harness.home },
    });
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    expect(cli.stdout.trim()).toBe(file);

    const page = await (browser as Browser).newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    page.on('request', (request) => requests.push(request.url()));

    const url = pathToFileURL(file).href;
    await page.goto(url, { waitUntil: 'load' });
    expect(await page.title()).toBe(`Run ${result.runId}: deployed`);

    for (const [chart, marks] of Object.entries(CHART_MARKS)) {
      const svg = page.locator(`figure[data-chart="${chart}"] > svg`);
      await expect(svg.count()).resolves.toBe(1);
      const box = await svg.boundingBox();
      expect(box?.width).toBeGreaterThan(200);
      expect(box?.height).toBeGreaterThan(50);
      for (const { selector, atLeast } of marks) {
        const count = await svg.locator(selector).count();
        if (count < atLeast) throw new Error(`${chart}: ${count} × ${selector}, want ${atLeast}+`);
      }
    }
    // The scaling log of a real scale-out is in the table under the replica chart.
    expect(await page.locator('#scaling table tbody tr').count()).toBeGreaterThan(0);

    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT_DIR, `${result.runId}.png`), fullPage: true });
    await page.close();

    expect(problems).toEqual([]);
    // The page itself and nothing else: no fonts, scripts or images from anywhere.
    expect(requests).toEqual([url]);
  }, 240_000);

  test('says how to find runs when the run has no report, and exits 2', async () => {
    const cli = await runFerryAsync(['report', 'ferry-no-such-run'], {
      env: { FERRY_HOME: harness.home },
    });
    expect(cli.status).toBe(2);
    expect(cli.stderr).toMatch(/^ferry: no report for run 'ferry-no-such-run': .*report\.json/);
    expect(cli.stderr).toMatch(/ferry status ferry-no-such-run/);
  });
});
