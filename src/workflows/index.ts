/**
 * The workflows the Ferry worker registers. Temporal bundles this module for
 * its deterministic sandbox, so everything reachable from here must be
 * orchestration only (DESIGN.md §2, §5). The pipeline workflow arrives with
 * the train-and-select issue.
 */
export {};
