import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../shared/project-paths';

export class TemporalCliNotFound extends Error {
  readonly type = 'TemporalCliNotFound';
}

/**
 * Finds the Temporal CLI: `TEMPORAL_CLI` when set (and then it must work),
 * else the one scripts/setup.sh installs into .venv, else `temporal` on PATH.
 */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.TEMPORAL_CLI;
  if (configured !== undefined && configured !== '') {
    if (isExecutableFile(configured)) return path.resolve(configured);
    throw new TemporalCliNotFound(
      `TEMPORAL_CLI is set to ${configured}, which is not an executable file; point it at the temporal binary or unset it`,
    );
  }
  const inVenv = path.join(PROJECT_ROOT, '.venv', 'bin', 'temporal');
  if (isExecutableFile(inVenv)) return inVenv;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'temporal');
    if (dir !== '' && isExecutableFile(candidate)) return candidate;
  }
  throw new TemporalCliNotFound(
    `the Temporal CLI was not found (looked at TEMPORAL_CLI, ${inVenv} and PATH); run 'bash scripts/setup.sh' to install it into .venv, or set TEMPORAL_CLI`,
  );
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
