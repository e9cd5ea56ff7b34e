/**
 * How a failed load-test request is counted. The open loop only sees a
 * rejected promise, from our HTTP invoker or (later) an AWS SDK call, so the
 * kind is read off the error: our own `kind`, else a network error code,
 * else a specific error name (the SDK's "ThrottlingException", "ModelError"),
 * else "other".
 */

/** A request that did not end in a 2xx; `kind` is the key in LoadTestResult.errorsByKind. */
export class RequestError extends Error {
  override readonly name = 'RequestError';

  constructor(
    readonly kind: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const KIND_BY_CODE: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection-refused',
  ECONNRESET: 'connection-reset',
  EPIPE: 'connection-reset',
  ETIMEDOUT: 'timeout',
};

/** Names that say nothing about what went wrong. */
const GENERIC_NAMES = new Set([
  'Error',
  'TypeError',
  'RangeError',
  'SyntaxError',
  'ReferenceError',
]);

export function errorKind(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'other';
  const { kind, code, name } = error as { kind?: unknown; code?: unknown; name?: unknown };
  if (typeof kind === 'string' && kind !== '') return kind;
  if (typeof code === 'string') {
    const byCode = KIND_BY_CODE[code];
    if (byCode) return byCode;
  }
  if (name === 'TimeoutError') return 'timeout';
  if (typeof name === 'string' && name !== '' && !GENERIC_NAMES.has(name)) return name;
  return 'other';
}
