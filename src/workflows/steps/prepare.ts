import { describeProtocol } from '../../evaluation/protocol';
import type { PreparedData } from '../definitions';
import type { RunState } from '../run-state';

/**
 * Step 1: split the dataset into train, validation and test (and folds,
 * under cross-validation), fingerprint and profile it, and fix how
 * candidates will be ranked.
 */
export function prepare(run: RunState): Promise<PreparedData> {
  const { config } = run;
  return run.step(
    'prepare',
    async () => {
      const data = await run.activities.prepareData({
        runId: run.runId,
        dataset: config.dataset,
        split: config.split,
        evaluation: config.evaluation,
        backend: run.backend,
      });
      run.datasetFingerprint = data.fingerprint;
      run.protocol = data.protocol;
      return data;
    },
    ({ rows, protocol }) => ({
      note: `${rows.train} train, ${rows.validation} validation, ${rows.test} test rows; candidates ranked by ${describeProtocol(protocol)}`,
    }),
  );
}
