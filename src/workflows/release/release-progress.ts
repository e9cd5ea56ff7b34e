import { getExternalWorkflowHandle, log, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  releaseProgressSignal,
  releaseQuery,
  type ReleaseStage,
  type ReleaseSummary,
} from '../release-definitions';

/**
 * Where a release is: answered to the `release` query, and sent to the run
 * that started it (its parent), whose summary, stage and step log follow it.
 * A release `ferry release` started has no parent and only answers queries.
 */
export class ReleaseProgress {
  readonly summary: ReleaseSummary = {};
  private stage: ReleaseStage = 'deploying';

  constructor() {
    setHandler(releaseQuery, () => ({ stage: this.stage, release: this.summary }));
  }

  /** Moves to `stage` and tells the parent, waiting until it has the news. */
  async move(stage: ReleaseStage): Promise<void> {
    this.stage = stage;
    await this.tellParent();
  }

  /** Tells the parent the latest summary, in the stage the release is in. */
  async tellParent(): Promise<void> {
    const parent = workflowInfo().parent;
    if (!parent) return;
    try {
      await getExternalWorkflowHandle(parent.workflowId, parent.runId).signal(
        releaseProgressSignal,
        { stage: this.stage, release: this.summary },
      );
    } catch (error) {
      // A parent that has closed (terminated) cannot listen; the release goes on for the registry's sake.
      log.warn('the run that started this release did not take its progress', { error });
    }
  }
}
