import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

const LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

/**
 * The Temporal worker logs every state change at INFO; in a terminal running
 * `ferry dev` (or a test run) that drowns what matters. WARN by default,
 * FERRY_LOG_LEVEL to see more. Must run before the first worker or native
 * connection is created, since the runtime is a process-wide singleton.
 */
export function installWorkerLogging(env: NodeJS.ProcessEnv = process.env): void {
  const wanted = (env.FERRY_LOG_LEVEL ?? 'WARN').toUpperCase() as LogLevel;
  const level = LEVELS.includes(wanted) ? wanted : 'WARN';
  Runtime.install({ logger: new DefaultLogger(level) });
}
