import type { ChosenModel } from '../../evaluation/select';
import type { PreparedData, RegisteredModel } from '../definitions';
import type { RunState } from '../run-state';

/** Step 4: the winner becomes a new version of the model group, PendingManualApproval. */
export function register(
  run: RunState,
  data: PreparedData,
  winner: ChosenModel,
): Promise<RegisteredModel> {
  const { config } = run;
  return run.step(
    'register',
    async () => {
      run.modelVersion = await run.activities.registerModel({
        runId: run.runId,
        group: config.modelGroup,
        winner,
        protocol: data.protocol,
        datasetFingerprint: data.fingerprint,
        config,
        startedBy: run.startedBy,
        backend: run.backend,
      });
      return run.modelVersion;
    },
    (model) => ({ note: `${model.group} version ${model.version}, ${model.status}` }),
  );
}
