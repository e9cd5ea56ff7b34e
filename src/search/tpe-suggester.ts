import { spawn } from 'node:child_process';
import path from 'node:path';
import { PYTHON } from '../python/python-paths';

/** tpe_suggest.py, beside this file: the worker's own Python, not an algorithm script. */
const SCRIPT = path.join(__dirname, 'tpe_suggest.py');

/** Exit code tpe_suggest.py uses for a request it cannot take. */
export const TPE_EXIT_BAD_REQUEST = 2;

/**
 * One short-lived interpreter per ask (Optuna imports in under a second),
 * the request on stdin and the suggestion on stdout.
 */
export function runTpeSuggester(
  request: string,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ exitCode: code ?? 1, stdout, stderr }));
    child.stdin.end(request);
  });
}
