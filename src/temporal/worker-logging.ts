import { Runtime, type LogLevel } from '@temporalio/worker';
import type { LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { createLogger, ferryLogLevel, type Logger } from '../shared/logger';

/**
 * The Temporal worker logs every state change at INFO; in a terminal running
 * `ferry dev` (or a test run) that drowns what matters. WARN by default,
 * FERRY_LOG_LEVEL to see more. Must run before the first worker or native
 * connection is created, since the runtime is a process-wide singleton.
 *
 * The SDK's lines and what activities log with `log` from
 * @temporalio/activity go through pino, one JSON object per event; the SDK
 * tags an activity's lines with its workflowId (the run's id, or
 * `<run id>-<candidate>` for a candidate's child workflow), workflowType,
 * activityType and attempt. The native core's own warnings stay on stderr in
 * its format: forwarding them (telemetryOptions.logging.forward) starts a
 * poller that keeps a short-lived process such as `ferry demo` from exiting.
 */
export function installWorkerLogging(env: NodeJS.ProcessEnv = process.env): void {
  const level = ferryLogLevel(env, 'warn');
  Runtime.install({
    logger: new PinoTemporalLogger(createLogger('ferry-worker', level)),
  });
}

/** Temporal's Logger interface over a pino logger; metadata becomes the line's fields. */
class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly pino: Logger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    // Temporal's own timestamp sits under a symbol key, which pino leaves out: pino stamps the time.
    const fields = meta ?? {};
    switch (level) {
      case 'TRACE':
        return this.pino.trace(fields, message);
      case 'DEBUG':
        return this.pino.debug(fields, message);
      case 'INFO':
        return this.pino.info(fields, message);
      case 'WARN':
        return this.pino.warn(fields, message);
      case 'ERROR':
        return this.pino.error(fields, message);
    }
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }

  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }

  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }

  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }

  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
