import { condition } from '@temporalio/workflow';
import type { PreparedData, RegisteredModel } from '../definitions';
import type { ReleaseInput, ReleaseResult } from '../release-definitions';
import type { RunState } from '../run-state';
import type { StepEnding } from '../step-log';
import { endpointOf, scalingPolicyOf } from './endpoint-of';
import { holdEndpoint } from './hold-endpoint';

export type Release = ReleaseResult['outcome'];

/**
 * Steps 6 and 7, run by a release workflow that holds the endpoint
 * (release/release-workflow.ts): the deploy step waits for the endpoint,
 * deploys and turns on auto scaling; the load-test step measures this
 * run's version against the SLO. Any failure on the way, or a breached SLO,
 * leaves the endpoint on what it served before and the version Rejected.
 */
export async function release(
  run: RunState,
  model: RegisteredModel,
  data: Pick<PreparedData, 'channels'>,
): Promise<Release> {
  const { config } = run;
  const input: ReleaseInput = {
    runId: run.runId,
    endpoint: endpointOf(config),
    model: { group: model.group, version: model.version },
    policy: scalingPolicyOf(config.endpoint),
    loadTest: config.loadTest,
    // The load test sends validation rows: the test split is kept for the chosen model's score.
    sampleChannel: data.channels.validation,
    target: config.dataset.target,
    rollbackTimeout: config.endpoint.rollbackTimeout,
    backend: run.backend,
  };
  await run.step(
    'deploy',
    async () => {
      const child = await holdEndpoint(run, input);
      run.setStage('deploying');
      run.releaseResult = child.result();
      // The step ends once the release reports auto scaling on (its load test
      // is next), or fails with the release if it fails first.
      await Promise.race([
        condition(() => run.release?.autoscaling !== undefined),
        run.releaseResult,
      ]);
    },
    (): StepEnding => {
      const deployment = run.release?.deployment;
      return {
        note:
          deployment &&
          `${deployment.endpoint} serves ${model.group} version ${model.version} on ${deployment.replicas} replicas`,
      };
    },
  );
  const result = await run.step('loadTest', () => releaseEnd(run), loadTestEnding);
  run.release = result.release;
  run.modelVersion = { ...model, status: result.status };
  run.reason = result.reason;
  return result.outcome;
}

function releaseEnd(run: RunState): Promise<ReleaseResult> {
  if (!run.releaseResult) throw new Error('the load-test step runs after the release started');
  return run.releaseResult;
}

function loadTestEnding(result: ReleaseResult): StepEnding {
  return result.outcome === 'deployed'
    ? { note: 'SLO met' }
    : { status: 'failed', note: result.reason };
}
