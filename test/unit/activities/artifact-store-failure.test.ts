import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import {
  artifactStoreFailure,
  guardedByStore,
} from '../../../src/activities/artifact-store-failure';
import { makeDirectory } from '../../../src/shared/make-directory';

let store: string;
beforeEach(() => {
  store = mkdtempSync(path.join(os.tmpdir(), 'ferry-store-'));
});
afterEach(() => rmSync(store, { recursive: true, force: true }));

/** A real refusal: a file stands where the run's folder must be made. */
async function refusedWrite(): Promise<unknown> {
  writeFileSync(path.join(store, 'run-1'), 'in the way');
  return makeDirectory(path.join(store, 'run-1', 'data', 'train')).then(
    () => undefined,
    (error: unknown) => error,
  );
}

// Its EROFS case (Node says ENOENT there) needs a read-only mount: test/faults/read-only-artifacts.
describe('makeDirectory', () => {
  test('makes missing parents, and is a no-op when the folder exists', async () => {
    const dir = path.join(store, 'a', 'b', 'c');
    await makeDirectory(dir);
    await expect(makeDirectory(dir)).resolves.toBeUndefined();
  });

  test('reports why a parent cannot be made: ENOTDIR for a file in the way', async () => {
    expect(await refusedWrite()).toMatchObject({ code: 'ENOTDIR' });
  });
});

describe('a write the artifact store refuses', () => {
  test('becomes a non-retryable ArtifactStoreError naming the path, the cause and the fix', async () => {
    const failure = artifactStoreFailure(await refusedWrite(), store);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'ArtifactStoreError', nonRetryable: true });
    expect(failure?.message).toMatch(
      new RegExp(
        `^${store}/run-1\\S*: the store at ${store} refuses writes \\(ENOTDIR: a file stands where a folder must be\\); move that file away, or set FERRY_HOME to a writable folder$`,
      ),
    );
  });

  test('a full disk stays retryable, as space may be freed', () => {
    // A full disk cannot be made on demand here; this is the error fs gives for one.
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      path: path.join(store, 'run-1', 'data', 'train', 'train.csv'),
    });
    expect(artifactStoreFailure(full, store)).toMatchObject({
      type: 'ArtifactStoreError',
      nonRetryable: false,
    });
  });

  test('refusals outside the store and other errors pass through unchanged', async () => {
    const outside = Object.assign(new Error('EACCES'), { code: 'EACCES', path: '/etc/ferry' });
    const guarded = guardedByStore(store, (error: Error) => Promise.reject(error));
    await expect(guarded(outside)).rejects.toBe(outside);
    const other = new Error('training failed');
    await expect(guarded(other)).rejects.toBe(other);
    expect(
      artifactStoreFailure(await refusedWrite(), path.join(store, 'elsewhere')),
    ).toBeUndefined();
  });
});
