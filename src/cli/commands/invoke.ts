import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { openHosting } from '../../backends/compose-backends';
import { ferryHome } from '../../shared/project-paths';
import { UserError } from '../../shared/user-error';
import { terminalSafeLines } from '../../text/safe-text';

const CONTENT_TYPES: Record<string, string> = { '.csv': 'text/csv', '.json': 'application/json' };

export function registerInvoke(program: Command): void {
  program
    .command('invoke')
    .description('send rows to an endpoint and print its predictions')
    .argument('<endpoint>', 'endpoint name')
    .argument('<file>', 'rows as CSV (header optional) or JSON ({"instances": [...]} or objects)')
    .option('--accept <type>', 'answer as application/json or text/csv', 'application/json')
    .action(async (name: string, file: string, options: { accept: string }) => {
      const contentType = CONTENT_TYPES[path.extname(file).toLowerCase()];
      if (!contentType) {
        throw new UserError(`${file}: name the file .csv or .json so ferry knows how to send it`);
      }
      const body = await readFile(file).catch((error: NodeJS.ErrnoException) => {
        throw new UserError(`${file}: cannot read it (${error.code ?? error.message})`);
      });
      const endpoint = await openHosting('local', ferryHome()).describe(name);
      if (!endpoint) {
        throw new UserError(
          `endpoint ${name} does not exist; \`ferry endpoints list\` shows the ones that do`,
        );
      }
      // The SageMaker Runtime path, as `aws sagemaker-runtime invoke-endpoint` would call it.
      const response = await fetch(
        `${endpoint.url}/endpoints/${encodeURIComponent(name)}/invocations`,
        {
          method: 'POST',
          headers: { 'content-type': contentType, accept: options.accept },
          body,
        },
      );
      const text = await response.text();
      if (!response.ok) {
        throw new UserError(`${name} answered HTTP ${response.status}: ${errorMessage(text)}`);
      }
      // The endpoint's answer is another program's output: its line breaks stay, its controls do not act.
      process.stdout.write(terminalSafeLines(text.endsWith('\n') ? text : `${text}\n`));
    });
}

function errorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: string; error?: string };
    return body.message ?? body.error ?? text;
  } catch {
    return text;
  }
}
