/** A run's report: built as JSON data, rendered as Markdown (DESIGN.md §2, the report step). */
export { buildRunReport, type RunReport, type RunReportInput } from './run-report';
export { renderMarkdown } from './render-markdown';
export { escapeCell, markdownTable } from './markdown-table';
export { bucketTimeline, MAX_TIMELINE_ROWS } from './timeline-buckets';
