import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { FAILURE } from '../shared/failure-types';

interface Refusal {
  what: string;
  fix: string;
  /** Whether waiting can help: a full disk may be freed, a read-only one stays so. */
  isPassing: boolean;
}

const ELSEWHERE = 'or set FERRY_HOME to a writable folder';
const REFUSALS: Record<string, Refusal> = {
  EROFS: { what: 'read-only file system', fix: `make it writable, ${ELSEWHERE}`, isPassing: false },
  EACCES: { what: 'permission denied', fix: `make it writable, ${ELSEWHERE}`, isPassing: false },
  EPERM: {
    what: 'operation not permitted',
    fix: `make it writable, ${ELSEWHERE}`,
    isPassing: false,
  },
  ENOTDIR: {
    what: 'a file stands where a folder must be',
    fix: `move that file away, ${ELSEWHERE}`,
    isPassing: false,
  },
  ENOSPC: {
    what: 'no space left on the device',
    fix: `free some space, ${ELSEWHERE} on another disk`,
    isPassing: true,
  },
  EDQUOT: {
    what: 'disk quota exceeded',
    fix: `free some space, ${ELSEWHERE} on another disk`,
    isPassing: true,
  },
};

/**
 * An activity whose writes the store may refuse: such a refusal becomes a
 * typed failure naming the path, the cause and the fix. A lasting refusal
 * (read-only, no permission) is not retried, as no attempt can succeed.
 * Other errors, and refusals outside the store, pass through unchanged.
 */
export function guardedByStore<Input extends unknown[], Output>(
  storeRoot: string,
  activity: (...input: Input) => Promise<Output>,
): (...input: Input) => Promise<Output> {
  return async (...input) => {
    try {
      return await activity(...input);
    } catch (error) {
      throw artifactStoreFailure(error, storeRoot) ?? error;
    }
  };
}

export function artifactStoreFailure(
  error: unknown,
  storeRoot: string,
): ApplicationFailure | undefined {
  const { code, path: file } = error as NodeJS.ErrnoException;
  const refusal = code === undefined ? undefined : REFUSALS[code];
  if (!refusal || file === undefined || !isInside(file, storeRoot)) return undefined;
  // The message carries the errno code and path, so the fs error is not kept as a cause.
  return ApplicationFailure.create({
    type: FAILURE.artifactStore,
    message: `${file}: the store at ${storeRoot} refuses writes (${code}: ${refusal.what}); ${refusal.fix}`,
    nonRetryable: !refusal.isPassing,
  });
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, path.resolve(file));
  return !relative.startsWith('..') && !path.isAbsolute(relative);
}
