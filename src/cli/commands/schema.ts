import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { pipelineJsonSchema } from '../../config/json-schema';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of pipeline files (for editor completion and checks)')
    .option('-o, --out <file>', 'write it to a file instead')
    .action(async (options: { out?: string }) => {
      const text = `${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`;
      if (options.out) await writeFile(options.out, text);
      else process.stdout.write(text);
    });
}
