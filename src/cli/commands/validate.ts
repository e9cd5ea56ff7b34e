import type { Command } from 'commander';
import { formatProblem } from '../../config/problem';
import { searchSpaces } from '../../config/search-spaces';
import { validatePipelineFile } from '../../config/validate-pipeline';
import { EXIT_INVALID, EXIT_OK } from '../exit-codes';
import { print, printError } from '../print';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check pipeline files (YAML or JSON) and list every problem with its fix')
    .argument('<files...>', 'pipeline files')
    .action(async (files: string[]) => {
      let exitCode = EXIT_OK;
      for (const file of files) {
        const result = await validatePipelineFile(file);
        if (result.ok) {
          const { config } = result;
          const algorithms = searchSpaces(config.candidates, config.dataset.task)
            .map((entry) =>
              entry.isBuiltin ? `${entry.algorithm} (built-in space)` : entry.algorithm,
            )
            .join(', ');
          print(
            `${file}: valid (${config.dataset.task}, ${config.candidates.count} candidates (${config.candidates.strategy}) from ${algorithms}, objective ${config.objective}, backend ${config.backend})`,
          );
          continue;
        }
        exitCode = EXIT_INVALID;
        for (const problem of result.problems) printError(formatProblem(file, problem));
        const count = result.problems.length;
        printError(`${file}: ${count} problem${count === 1 ? '' : 's'}`);
      }
      process.exitCode = exitCode;
    });
}
