import { UserError } from '../shared/user-error';

/**
 * How much of a dataset Ferry reads, and for how long, before it gives up:
 * a file can be anything a path names, and a read with no bound can take the
 * process's memory or one of Node's few file threads for good.
 *   FERRY_MAX_DATASET_BYTES         the largest dataset file (default 512 MiB)
 *   FERRY_DATASET_READ_TIMEOUT_MS   opening and reading one (default 120 s)
 */
export interface DatasetLimits {
  maxBytes: number;
  timeoutMs: number;
}

export const DEFAULT_DATASET_LIMITS: DatasetLimits = {
  maxBytes: 512 * 1024 * 1024,
  timeoutMs: 120_000,
};

export function readDatasetLimits(env: NodeJS.ProcessEnv): DatasetLimits {
  return {
    maxBytes: positive(
      env.FERRY_MAX_DATASET_BYTES,
      'FERRY_MAX_DATASET_BYTES',
      DEFAULT_DATASET_LIMITS.maxBytes,
    ),
    timeoutMs: positive(
      env.FERRY_DATASET_READ_TIMEOUT_MS,
      'FERRY_DATASET_READ_TIMEOUT_MS',
      DEFAULT_DATASET_LIMITS.timeoutMs,
    ),
  };
}

function positive(text: string | undefined, name: string, fallback: number): number {
  // Empty counts as unset: docker compose passes a listed variable through empty.
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new UserError(`${name} is '${text}', which is not allowed; give a whole number above 0`);
  }
  return value;
}
