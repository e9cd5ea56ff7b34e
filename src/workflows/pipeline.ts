import type { PipelineInput, PipelineResult } from './definitions';
import { RunState } from './run-state';
import { prepare } from './steps/prepare';
import { train } from './steps/train';
import { select } from './steps/select';
import { register } from './steps/register';
import { approve } from './steps/approve';
import { release } from './steps/release';
import { report } from './steps/report';
import { endedEarly } from './steps/ended-early';

/**
 * A pipeline run: the eight steps of DESIGN.md §2, in order. Orchestration
 * only: every step that touches data, files or processes is an activity or
 * a child workflow, one level down in steps/. A run that selects no model,
 * or whose model is not approved, goes straight to its report; one that
 * fails or is cancelled is reported too, and leaves nothing half-done.
 */
export async function trainingPipeline(input: PipelineInput): Promise<PipelineResult> {
  const run = new RunState(input);
  try {
    return await steps(run);
  } catch (error) {
    return endedEarly(run, error);
  }
}

async function steps(run: RunState): Promise<PipelineResult> {
  const data = await prepare(run);
  const candidates = await train(run, data);
  const winner = await select(run, data, candidates);
  if (!winner) return report(run, 'no-candidate-passed');
  const model = await register(run, data, winner);
  const verdict = await approve(run, model);
  if (verdict !== 'approved') return report(run, verdict);
  const outcome = await release(run, model, data);
  return report(run, outcome);
}
