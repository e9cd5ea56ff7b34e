import { describeProtocol } from '../../evaluation/protocol';
import type { PreparedData } from '../definitions';
import type { RunState } from '../run-state';
import { authenticateStarter } from './authenticate';
import { policyInForce } from './register';
import { requireRunRights } from './run-rights';

/**
 * Step 1: verify who started the run, that they may work in its model group
 * and endpoint, and that someone could ever approve it under the approval
 * policy in force (so a refusal comes in seconds, not after training); then
 * split the dataset into train,
 * validation and test (and folds, under cross-validation), fingerprint and
 * profile it, and fix how candidates will be ranked.
 */
export function prepare(run: RunState): Promise<PreparedData> {
  const { config } = run;
  return run.step(
    'prepare',
    async () => {
      await authenticateStarter(run);
      await requireRunRights(run);
      await policyInForce(run);
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
