import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { installWorkerLogging } from '../../src/temporal/worker-logging';

const HISTORIES = path.resolve(__dirname, '..', 'replay', 'histories');
const histories = readdirSync(HISTORIES).filter((file) => file.endsWith('.json'));

/** One recorded run per way a run can end (scripts/record-histories.ts records them all). */
const SCENARIOS = [
  'deployed',
  'rejected',
  'expired',
  'rolled-back',
  'all-failed',
  'cancelled',
  'sagemaker',
  'ensemble',
  'release-failed',
  'cancelled-awaiting',
];

/** The runs that reached their release, whose release workflow is recorded beside them. */
const RELEASED = ['deployed', 'rolled-back', 'sagemaker', 'release-failed'];

/**
 * Workflow code must replay the histories of runs that may still be in
 * flight: a change that is not deterministic against them fails here. Ferry
 * is unreleased, so a change of behaviour on purpose re-records them
 * (README, Development); from the first release on, it is guarded by
 * patched() with its id in src/workflows/patches.ts.
 */
describe('replaying recorded workflow histories', () => {
  beforeAll(() =>
    installWorkerLogging({ FERRY_LOG_LEVEL: process.env.FERRY_LOG_LEVEL ?? 'ERROR' }),
  );

  test.each(SCENARIOS)('the %s run is recorded, with its candidates', (scenario) => {
    expect(histories).toContain(`ferry-replay-${scenario}.json`);
    expect(histories).toContain(`ferry-replay-${scenario}-c01.json`);
  });

  test.each(RELEASED)('the %s run recorded its release workflow', (scenario) => {
    expect(histories).toContain(`ferry-replay-${scenario}-release.json`);
  });

  test('the ensemble run chose its ensemble: selected, its members refit, built into one model', () => {
    const history = readFileSync(path.join(HISTORIES, 'ferry-replay-ensemble.json'), 'utf8');
    const activities = [...history.matchAll(/"activityType":\s*\{\s*"name":\s*"(\w+)"/g)].map(
      (match) => match[1],
    );
    expect(activities).toContain('selectEnsemble');
    expect(activities.filter((name) => name === 'trainCandidate').length).toBeGreaterThanOrEqual(2);
    expect(activities).toContain('buildEnsemble');
  });

  test.each(histories)('%s replays on the current workflow code', async (file) => {
    const history: unknown = JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8'));
    await expect(
      Worker.runReplayHistory(
        { workflowsPath: require.resolve('../../src/workflows') },
        history,
        path.basename(file, '.json'),
      ),
    ).resolves.toBeUndefined();
  });
});
