import path from 'node:path';

/** The Ferry checkout or install: where .venv, algorithms/ and examples/ live. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/**
 * Ferry's working folder for runtime state (the Temporal database, logs,
 * artifacts): `FERRY_HOME`, or `.ferry` in the current folder.
 */
export function ferryHome(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.FERRY_HOME ?? '.ferry');
}
