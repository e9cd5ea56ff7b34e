import type { PipelineResult } from '../workflows/definitions';
import {
  PIPELINE_STEPS,
  type PipelineStep,
  type StepRecord,
} from '../workflows/release-definitions';
import { endedPhrase } from './outcome-words';
import type { ReportStep } from './run-report';

/**
 * All eight steps, in pipeline order, so a reader sees what a run did not do
 * as well as what it did. A step the run recorded is shown as recorded. A
 * step it did not record either ran before the run kept step times (the
 * result holds its output, e.g. a registered version) and is 'done' without
 * times, or never ran and is 'skipped' with the reason.
 */
export function reportSteps(result: PipelineResult): ReportStep[] {
  const recorded = result.steps ?? [];
  return PIPELINE_STEPS.map((step) => {
    const record = recorded.find((candidate) => candidate.step === step);
    if (record) return fromRecord(record);
    if (hasOutput(step, result)) {
      return unrecorded(step, 'done', 'ran before the run recorded step times');
    }
    return unrecorded(step, 'skipped', skipNote(step, result));
  });
}

function fromRecord(record: StepRecord): ReportStep {
  const startedAt = record.startedAt ?? null;
  const endedAt = record.endedAt ?? null;
  return {
    step: record.step,
    status: record.status,
    startedAt,
    endedAt,
    durationMs: durationMs(startedAt, endedAt),
    note: record.note ?? null,
  };
}

function unrecorded(step: PipelineStep, status: ReportStep['status'], note: string): ReportStep {
  return { step, status, startedAt: null, endedAt: null, durationMs: null, note };
}

function durationMs(startedAt: string | null, endedAt: string | null): number | null {
  if (startedAt === null || endedAt === null) return null;
  const ms = Date.parse(endedAt) - Date.parse(startedAt);
  return Number.isFinite(ms) ? ms : null;
}

/** Whether the result holds what the step produces: then it ran, recorded or not. */
function hasOutput(step: PipelineStep, result: PipelineResult): boolean {
  switch (step) {
    // A result exists only once data was prepared, candidates trained and selection ran.
    case 'prepare':
    case 'train':
    case 'select':
      return true;
    case 'register':
      return result.modelVersion !== undefined;
    case 'approve':
      return result.decisionTrail !== undefined;
    case 'deploy':
      return result.release?.deployment !== undefined;
    case 'loadTest':
      return result.release?.loadTest !== undefined;
    case 'report':
      return result.report !== undefined;
  }
}

function skipNote(step: PipelineStep, result: PipelineResult): string {
  const order = (name: PipelineStep) => PIPELINE_STEPS.indexOf(name);
  const failed = (result.steps ?? []).find(
    (record) => record.status === 'failed' && order(record.step) < order(step),
  );
  if (failed) return `the ${failed.step} step failed, so this step did not run`;
  if (step === 'report') return 'the run wrote no report of its own; this one was made afterwards';
  if (step === 'loadTest' && result.release?.deployment) {
    return 'the run deployed but recorded no load test';
  }
  if (result.outcome === 'deployed' || result.outcome === 'rolled-back') {
    return 'the run recorded nothing for this step';
  }
  return `${endedPhrase(result.outcome)} before this step`;
}
