/** A run's report: built as JSON data, rendered as Markdown (DESIGN.md §2, the report step). */
export {
  buildRunReport,
  type CandidateCounts,
  type ChosenModel,
  type ReportChampionGate,
  type ReportDecision,
  type ReportDeployment,
  type ReportGate,
  type ReportGates,
  type ReportLeaderboardRow,
  type ReportMetrics,
  type ReportRollback,
  type ReportStep,
  type RunReport,
  type RunReportInput,
} from './run-report';
export { renderMarkdown } from './render-markdown';
export { escapeCell, markdownTable } from './markdown-table';
export {
  bucketTimeline,
  MAX_TIMELINE_ROWS,
  type BucketedTimeline,
  type TimelineBucket,
} from './timeline-buckets';
