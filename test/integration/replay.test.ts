import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { installWorkerLogging } from '../../src/temporal/worker-logging';

const HISTORIES = path.resolve(__dirname, '..', 'replay', 'histories');
const histories = readdirSync(HISTORIES).filter((file) => file.endsWith('.json'));

/**
 * Workflow code must replay the histories of runs that may still be in
 * flight: a change that is not deterministic against them (without patched())
 * fails here. scripts/record-histories.ts adds new recordings.
 */
describe('replaying recorded workflow histories', () => {
  beforeAll(() =>
    installWorkerLogging({ FERRY_LOG_LEVEL: process.env.FERRY_LOG_LEVEL ?? 'ERROR' }),
  );

  test('there are recordings of the pipeline and of candidates', () => {
    expect(histories.some((file) => /-c\d+\.json$/.test(file))).toBe(true);
    expect(histories.some((file) => !/-c\d+\.json$/.test(file))).toBe(true);
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
