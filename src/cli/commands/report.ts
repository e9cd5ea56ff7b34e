import { readdir, readFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { reportDir } from '../../activities/write-report';
import { renderMarkdown, type RunReport } from '../../report';
import { renderHtml } from '../../report/html/render-html';
import { ferryHome } from '../../shared/project-paths';
import { UserError } from '../../shared/user-error';
import { terminalSafe, terminalSafeJson, terminalSafeLines } from '../../text/safe-text';

/** The report.json versions this ferry reads. */
const READABLE_VERSION = 1;

/** Newest run folders named in the error for a run id with no report. */
const RUNS_LISTED = 5;

export function registerReport(program: Command): void {
  program
    .command('report')
    .description("print a finished run's report (Markdown), or write it as one HTML page")
    .argument('<run>', 'run id (printed by ferry run)')
    .addOption(
      new Option('--html <file>', 'write the report as a self-contained HTML page with charts'),
    )
    .addOption(new Option('--json', 'print report.json').conflicts('html'))
    .action(async (runId: string, options: { html?: string; json?: boolean }) => {
      const home = ferryHome();
      const dir = await runReportDir(home, runId);
      if (options.json) {
        process.stdout.write(
          terminalSafeJson(await readFile(path.join(dir, 'report.json'), 'utf8')),
        );
        return;
      }
      if (options.html !== undefined) {
        const file = path.resolve(options.html);
        const page = await renderHtml(await readReport(dir, runId));
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, page);
        console.log(terminalSafe(file));
        return;
      }
      // report.md escapes what it quotes, but it is a file: one written by an older ferry, or edited, may not.
      process.stdout.write(terminalSafeLines(await markdownOf(dir, runId)));
    });
}

/** The run's report folder; a run id that has none is the user's to fix. */
async function runReportDir(home: string, runId: string): Promise<string> {
  // A run id is a workflow id, never a path: '../x' must not read outside the runs folder.
  if (runId !== path.basename(runId) || runId === '.' || runId === '..') {
    throw new UserError(`'${runId}' is not a run id; 'ferry run' prints run ids`);
  }
  const dir = reportDir(home, runId);
  const files = await readdir(dir).catch(() => [] as string[]);
  if (files.includes('report.json')) return dir;
  const runs = path.join(home, 'runs');
  const known = await recentRuns(runs);
  const hint = known.length
    ? `Runs with a report in ${runs}, newest first: ${known.join(', ')}`
    : `${runs} holds no run reports`;
  throw new UserError(
    `no report for run '${runId}': ${dir} has no report.json. A run writes its report when it ends ` +
      `with an outcome (a failed run writes none); 'ferry status ${runId}' shows whether it is still going, ` +
      `or why it failed. ${hint}; ` +
      `set FERRY_HOME if the run used another folder than ${home}`,
  );
}

/** The newest run folders with a report, newest first. */
async function recentRuns(runs: string): Promise<string[]> {
  const entries = await readdir(runs, { withFileTypes: true }).catch(() => []);
  const dated = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory())
      .map(async (entry) => {
        const json = await readFile(path.join(runs, entry.name, 'report.json'), 'utf8').catch(
          () => null,
        );
        const generatedAt = json === null ? null : generatedAtOf(json);
        return generatedAt === null ? [] : [{ name: entry.name, generatedAt }];
      }),
  );
  return dated
    .flat()
    .sort((a, b) => (a.generatedAt < b.generatedAt ? 1 : a.generatedAt > b.generatedAt ? -1 : 0))
    .slice(0, RUNS_LISTED)
    .map((run) => run.name);
}

function generatedAtOf(json: string): string | null {
  try {
    const value = (JSON.parse(json) as { generatedAt?: unknown }).generatedAt;
    return typeof value === 'string' ? value : '';
  } catch {
    return null;
  }
}

async function readReport(dir: string, runId: string): Promise<RunReport> {
  const file = path.join(dir, 'report.json');
  let report: unknown;
  try {
    report = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UserError(
      `${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}); ` +
        `the run's report is damaged: 'ferry report ${runId}' prints report.md if it is intact`,
    );
  }
  const version = (report as { reportVersion?: unknown } | null)?.reportVersion;
  if (version !== READABLE_VERSION) {
    throw new UserError(
      `${file} has reportVersion ${JSON.stringify(version)}; this ferry reads version ${READABLE_VERSION}: ` +
        `use the ferry that made the run`,
    );
  }
  // Written by buildRunReport of this version: the shape is RunReport's.
  return report as RunReport;
}

/** report.md as the run wrote it; rendered from report.json when the Markdown is missing. */
async function markdownOf(dir: string, runId: string): Promise<string> {
  const markdown = await readFile(path.join(dir, 'report.md'), 'utf8').catch(() => null);
  return markdown ?? renderMarkdown(await readReport(dir, runId));
}
