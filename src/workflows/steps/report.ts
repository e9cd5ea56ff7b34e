import type { PipelineResult, RunOutcome } from '../definitions';
import type { RunState } from '../run-state';

const WRITTEN = { note: 'report.json, report.md and report.html' };

/**
 * Step 8: the run's report as JSON, Markdown and HTML. The report lists its
 * own step as done, since it is the step's output; then the run ends with
 * its outcome as its stage.
 */
export async function report(
  run: RunState,
  outcome: RunOutcome['outcome'],
): Promise<PipelineResult> {
  const result = run.outcome(outcome);
  const files = await run.step(
    'report',
    () =>
      run.activities.writeReport({
        result: { ...result, steps: run.steps.endedAs(WRITTEN) },
        pipeline: run.config.name,
        objective: run.config.objective,
        startedBy: run.startedBy,
        backend: run.backend,
      }),
    () => WRITTEN,
  );
  return run.finish(result, files);
}
