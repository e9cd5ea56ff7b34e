import type { ReportedRun } from '../workflows/definitions';
import {
  PIPELINE_STEPS,
  type PipelineStep,
  type StepRecord,
} from '../workflows/release-definitions';
import { endedPhrase } from './outcome-words';
import type { ReportStep } from './run-report';

/**
 * All eight steps, in pipeline order, so a reader sees what a run did not do
 * as well as what it did: a step the run recorded is shown as recorded, one
 * it never reached is 'skipped' with the reason.
 */
export function reportSteps(result: ReportedRun): ReportStep[] {
  return PIPELINE_STEPS.map((step) => {
    const record = result.steps.find((candidate) => candidate.step === step);
    return record ? fromRecord(record) : skipped(step, skipNote(step, result));
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

function skipped(step: PipelineStep, note: string): ReportStep {
  return { step, status: 'skipped', startedAt: null, endedAt: null, durationMs: null, note };
}

function durationMs(startedAt: string | null, endedAt: string | null): number | null {
  if (startedAt === null || endedAt === null) return null;
  const ms = Date.parse(endedAt) - Date.parse(startedAt);
  return Number.isFinite(ms) ? ms : null;
}

function skipNote(step: PipelineStep, result: ReportedRun): string {
  const order = (name: PipelineStep) => PIPELINE_STEPS.indexOf(name);
  const failed = result.steps.find(
    (record) => record.status === 'failed' && order(record.step) < order(step),
  );
  if (failed) return `the ${failed.step} step failed, so this step did not run`;
  if (step === 'report') return 'the run wrote no report of its own; this one was made afterwards';
  return `${endedPhrase(result.outcome)} before this step`;
}
