import path from 'node:path';
import type { BackendTarget } from '../backends/backend-target';
import type { ScalingActivity } from '../backends/hosting';
import type { BackendResolver } from '../backends/backend-resolver';
import { buildRunReport, renderMarkdown } from '../report';
import { renderHtml } from '../report/html/render-html';
import { writeFileAtomic } from '../shared/atomic-write';
import type { ReportedRun } from '../workflows/definitions';
import type { ReportFiles } from '../workflows/release-definitions';
import type { RunFiles } from './run-files';

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
 * Written under this worker's home (where `ferry report` and the API read
 * them); on a backend with a store (SageMaker) also uploaded under the run's
 * `report/`, whose locations the result gives, so they do not depend on
 * which worker wrote them.
 */
export function createWriteReport(ferryHome: string, backends: BackendResolver, files: RunFiles) {
  return async function writeReport(input: WriteReportInput): Promise<ReportFiles> {
    const deployment = input.result.release?.deployment;
    const scaling: ScalingActivity[] = deployment
      ? await backends
          .of(input.backend)
          .hosting.scalingActivities(deployment.endpoint, deployment.deployedAt)
      : [];
    const report = buildRunReport({ ...input, generatedAt: new Date().toISOString(), scaling });
    const dir = reportDir(ferryHome, input.result.runId);
    const written = {
      dir,
      json: path.join(dir, 'report.json'),
      markdown: path.join(dir, 'report.md'),
      html: path.join(dir, 'report.html'),
    };
    await writeFileAtomic(written.json, `${JSON.stringify(report, null, 2)}\n`);
    await writeFileAtomic(written.markdown, renderMarkdown(report));
    await writeFileAtomic(written.html, await renderHtml(report));
    if (!files.isStored(input.backend)) return written;
    const keep = (file: string) =>
      files.keep(input.result.runId, `report/${path.basename(file)}`, file, input.backend);
    const json = await keep(written.json);
    return {
      dir: json.slice(0, json.length - 'report.json'.length),
      json,
      markdown: await keep(written.markdown),
      html: await keep(written.html),
    };
  };
}
