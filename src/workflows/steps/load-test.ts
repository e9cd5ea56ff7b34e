import type { RegisteredModel } from '../definitions';
import type { DeploymentSummary } from '../release-definitions';
import type { RunState } from '../run-state';
import { rollBack, rolledBackOnFailure } from './compensation';
import type { StepEnding } from '../step-log';

export type Release = 'deployed' | 'rolled-back';

/**
 * Step 7: open-loop load against the SLO, with the test split's rows. A
 * breached SLO rolls the endpoint back and rejects the version, so it
 * cannot become the next run's champion.
 */
export function loadTest(
  run: RunState,
  deployment: DeploymentSummary,
  model: RegisteredModel,
  data: { channels: { validation: string } },
): Promise<Release> {
  const { config, backend } = run;
  const { endpoint } = deployment;
  return run.step(
    'loadTest',
    async () => {
      const loadTest = await rolledBackOnFailure(run, endpoint, model, () =>
        run.activities.loadTestEndpoint({
          runId: run.runId,
          endpoint,
          loadTest: config.loadTest,
          sampleChannel: data.channels.validation,
          target: config.dataset.target,
          backend,
        }),
      );
      run.release = { ...run.release, loadTest };
      if (loadTest.verdict.passed) return 'deployed';
      run.setStage('rolling-back');
      run.reason = `SLO violated: ${loadTest.verdict.summary}`;
      const rollback = await rollBack(run, endpoint, model, run.reason);
      run.release = { ...run.release, rollback };
      run.modelVersion = await run.activities.setModelStatus({
        group: model.group,
        version: model.version,
        status: 'Rejected',
        by: 'ferry',
        reason: run.reason,
        // Stored already at the decision; given again, the registry adds nothing.
        trail: run.desk.trail,
        backend,
      });
      return 'rolled-back';
    },
    (release): StepEnding =>
      release === 'deployed' ? { note: 'SLO met' } : { status: 'failed', note: run.reason },
  );
}
