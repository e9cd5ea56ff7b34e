import type { PreparedData } from '../definitions';
import type { RunState } from '../run-state';

/** Step 1: split the dataset into train, validation and test, fingerprint and profile it. */
export function prepare(run: RunState): Promise<PreparedData> {
  const { config } = run;
  return run.step(
    'prepare',
    async () => {
      const data = await run.activities.prepareData({
        runId: run.runId,
        dataset: config.dataset,
        split: config.split,
        backend: run.backend,
      });
      run.datasetFingerprint = data.fingerprint;
      return data;
    },
    ({ rows }) => ({
      note: `${rows.train} train, ${rows.validation} validation, ${rows.test} test rows`,
    }),
  );
}
