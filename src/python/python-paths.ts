import path from 'node:path';
import { PROJECT_ROOT } from '../shared/project-paths';

/** The project's Python (scripts/setup.sh makes it) and the algorithm scripts. */
export const PYTHON = process.env.FERRY_PYTHON ?? path.join(PROJECT_ROOT, '.venv', 'bin', 'python');
export const ALGORITHMS_DIR = path.join(PROJECT_ROOT, 'algorithms');
export const COMMON_DIR = path.join(ALGORITHMS_DIR, 'common');

export function algorithmDir(algorithm: string): string {
  return path.join(ALGORITHMS_DIR, algorithm);
}

/** The environment every script runs with: the shared module importable, output unbuffered. */
export function pythonEnv(extra: Record<string, string>): Record<string, string> {
  return { PYTHONPATH: COMMON_DIR, PYTHONUNBUFFERED: '1', ...extra };
}
