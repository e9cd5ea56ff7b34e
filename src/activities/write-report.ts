import path from 'node:path';
import type { BackendTarget } from '../backends/backend-target';
import type { ScalingActivity } from '../backends/hosting';
import type { BackendResolver } from '../backends/backend-resolver';
import { buildRunReport, renderMarkdown } from '../report';
import { renderHtml } from '../report/html/render-html';
import { writeFileAtomic } from '../shared/atomic-write';
import type { ReportedRun } from '../workflows/definitions';
import type { ReportFiles } from '../workflows/release-definitions';

export interface WriteReportInput {
  result: ReportedRun;
  pipeline: string;
  objective: string;
  startedBy: string;
  backend?: BackendTarget;
}

/** Where a run's report lives: `<home>/runs/<run id>/`. */
export function reportDir(ferryHome: string, runId: string): string {
  return path.join(ferryHome, 'runs', runId);
}

/**
 * report: the run as JSON, Markdown and a self-contained HTML page, with the endpoint's scaling timeline
 * since the deployment. Rewriting the same files makes a retry harmless.
 */
export function createWriteReport(ferryHome: string, backends: BackendResolver) {
  return async function writeReport(input: WriteReportInput): Promise<ReportFiles> {
    const deployment = input.result.release?.deployment;
    const scaling: ScalingActivity[] = deployment
      ? await backends
          .of(input.backend)
          .hosting.scalingActivities(deployment.endpoint, deployment.deployedAt)
      : [];
    const report = buildRunReport({ ...input, generatedAt: new Date().toISOString(), scaling });
    const dir = reportDir(ferryHome, input.result.runId);
    const files = {
      dir,
      json: path.join(dir, 'report.json'),
      markdown: path.join(dir, 'report.md'),
      html: path.join(dir, 'report.html'),
    };
    await writeFileAtomic(files.json, `${JSON.stringify(report, null, 2)}\n`);
    await writeFileAtomic(files.markdown, renderMarkdown(report));
    await writeFileAtomic(files.html, await renderHtml(report));
    return files;
  };
}
