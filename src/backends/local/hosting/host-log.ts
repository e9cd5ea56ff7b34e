import { createLogger, ferryLogLevel, type Logger } from '../../../shared/logger';

let log: Logger | undefined;

/**
 * The host process's structured log: pino lines on stderr, which lands in
 * the home's host.log when ensureHost starts the host in the background.
 * INFO unless FERRY_LOG_LEVEL says otherwise: a host's events (deployments,
 * scaling, replicas exiting) are few, and they are what a reader of host.log
 * looks for. Made on first use, so commands that never host pay nothing.
 */
export function hostLog(): Logger {
  return (log ??= createLogger('ferry-host', ferryLogLevel(process.env, 'info')));
}
