import { spawn } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { makeDirectory } from '../shared/make-directory';
import path from 'node:path';
import { signalProcessGroup } from '../shared/process-group';
import { LogFollower } from './log-follower';
import { PYTHON, pythonEnv } from './python-paths';
import { WarmRunner, type ScriptRequest } from './warm-runner';

export interface ScriptRun {
  exitCode: number;
  /** The last lines the script printed, for error messages. */
  tail: string[];
}

/**
 * Runs an algorithm script to completion, following its log line by line.
 * Aborting kills the script's whole process group. Warm (forked from the warm
 * runner) by default; FERRY_WARM_PYTHON=0 starts a plain interpreter per job,
 * which is also what the benchmark compares against.
 */
export async function runScript(
  request: Omit<ScriptRequest, 'env'> & { env: Record<string, string>; pidFile?: string },
  signal: AbortSignal,
  onLine: (line: string) => void,
): Promise<ScriptRun> {
  await makeDirectory(path.dirname(request.log));
  closeSync(openSync(request.log, 'a'));
  const follower = new LogFollower(request.log, onLine);
  follower.start();
  let pid: number | undefined;
  const kill = () => {
    if (pid !== undefined) signalProcessGroup(pid, 'SIGKILL');
  };
  // Where the job runs, for an operator (and a test) to see: the process group to watch or kill.
  const recordPid = (started: number) => {
    pid = started;
    if (request.pidFile) writeFileSync(request.pidFile, `${started}\n`);
  };
  signal.addEventListener('abort', kill, { once: true });
  try {
    const { pidFile: _ignored, ...script } = request;
    const fullRequest = { ...script, env: pythonEnv(request.env) };
    const exitCode =
      process.env.FERRY_WARM_PYTHON === '0'
        ? await runCold(fullRequest, recordPid)
        : await (
            await WarmRunner.get()
          ).run(fullRequest, (started) => {
            recordPid(started);
            if (signal.aborted) kill();
          });
    return { exitCode, tail: follower.lines };
  } finally {
    signal.removeEventListener('abort', kill);
    await follower.stop();
  }
}

function runCold(request: ScriptRequest, onStarted: (pid: number) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const logFd = openSync(request.log, 'a');
    const child = spawn(PYTHON, [request.script, ...request.argv], {
      cwd: request.cwd,
      env: { ...process.env, ...request.env },
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
    closeSync(logFd);
    if (child.pid !== undefined) onStarted(child.pid);
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? -(signal ? 9 : 1)));
  });
}
