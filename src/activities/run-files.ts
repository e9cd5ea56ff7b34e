import { access } from 'node:fs/promises';
import path from 'node:path';
import type { BackendTarget } from '../backends/backend-target';
import { isStoredLocation, type RunStore } from '../backends/run-store';

/**
 * A run's files as an activity sees them. Local backend: paths on this
 * machine, used as they are. SageMaker backend: objects in S3, which this
 * worker downloads into its own cache (`<FERRY_HOME>/cache/<bucket>/<key>`)
 * when it needs them; a key names one content, so a cached copy stays
 * right, and a retry on another worker downloads its own.
 */
export class RunFiles {
  private readonly downloads = new Map<string, Promise<string>>();

  /** `storeOf`: the store of a run's backend, none for the local backend. */
  constructor(
    private readonly cacheRoot: string,
    private readonly storeOf: (backend: BackendTarget | undefined) => RunStore | undefined,
  ) {}

  /** A local copy of `location`: the path itself, or the object downloaded once. */
  local(location: string, backend: BackendTarget | undefined): Promise<string> {
    if (!isStoredLocation(location)) return Promise.resolve(location);
    const file = this.cachePath(location);
    // Activities at once (parallel candidates) share one download of a file they all read.
    let download = this.downloads.get(file);
    if (!download) {
      download = this.fetch(this.requireStore(backend, location), location, file).finally(() =>
        this.downloads.delete(file),
      );
      this.downloads.set(file, download);
    }
    return download;
  }

  /** The file `name` of a channel (a folder, or an S3 prefix ending in `/`), as a local file. */
  channelFile(channel: string, name: string, backend: BackendTarget | undefined): Promise<string> {
    return isStoredLocation(channel)
      ? this.local(`${channel.replace(/\/?$/, '/')}${name}`, backend)
      : Promise.resolve(path.join(channel, name));
  }

  /**
   * Where a file this activity wrote is kept for the run's later steps: the
   * file itself locally; on a backend with a store, its upload at the run's
   * `key`, so whichever worker runs the next step can read it.
   */
  async keep(
    runId: string,
    key: string,
    file: string,
    backend: BackendTarget | undefined,
  ): Promise<string> {
    const store = this.storeOf(backend);
    return store ? store.upload(runId, key, file) : file;
  }

  /** Whether the run's files go to a store (the SageMaker backend). */
  isStored(backend: BackendTarget | undefined): boolean {
    return this.storeOf(backend) !== undefined;
  }

  /** `s3://bucket/a/b.csv` → `<cache>/bucket/a/b.csv`; a key that climbs out of the cache is refused. */
  private cachePath(uri: string): string {
    const file = path.join(this.cacheRoot, ...uri.slice('s3://'.length).split('/'));
    const relative = path.relative(this.cacheRoot, file);
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new Error(`${uri} names no file this worker can cache; give an s3://bucket/key URI`);
    }
    return file;
  }

  private requireStore(backend: BackendTarget | undefined, location: string): RunStore {
    const store = this.storeOf(backend);
    if (!store) {
      throw new Error(
        `${location} is in S3, which the local backend cannot read; use a local file, or set backend: sagemaker`,
      );
    }
    return store;
  }

  private async fetch(store: RunStore, uri: string, file: string): Promise<string> {
    const isCached = await access(file).then(
      () => true,
      () => false,
    );
    if (!isCached) await store.download(uri, file);
    return file;
  }
}
