import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevelName = (typeof LEVELS)[number];

/** FERRY_LOG_LEVEL, as TRACE, DEBUG, INFO, WARN or ERROR in any case; `fallback` when unset or unknown. */
export function ferryLogLevel(env: NodeJS.ProcessEnv, fallback: LogLevelName): LogLevelName {
  const wanted = (env.FERRY_LOG_LEVEL ?? '').toLowerCase();
  return LEVELS.find((level) => level === wanted) ?? fallback;
}

/**
 * Ferry's structured log (DESIGN.md §6): one JSON line per event on stderr,
 * which is where the Temporal SDK logged before and where `ferry host`'s
 * log file collects it; stdout stays for what the CLI prints. Writes are
 * synchronous so the last lines before a `process.exit` are not lost.
 * Callers log ids, names and counts: never tokens, credentials or rows.
 */
export function createLogger(name: string, level: LogLevelName): Logger {
  return pino(
    {
      name,
      level,
      // `error` is what Temporal's metadata and our call sites use; pino serialises only `err` by default.
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}
