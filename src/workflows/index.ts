/**
 * The workflows the Ferry worker registers. Temporal bundles this module for
 * its deterministic sandbox, so everything reachable from here must be
 * orchestration only (DESIGN.md §2, §5).
 */
export { trainingPipeline } from './pipeline';
export { candidateWorkflow } from './candidate';
export { releaseWorkflow } from './release/release-workflow';
export { reconcileWorkflow } from './reconcile';
