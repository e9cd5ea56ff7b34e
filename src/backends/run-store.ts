/**
 * Where a backend keeps a run's files so that any worker can read them (S3,
 * under the pipeline's prefix, on SageMaker): the splits, the ranking
 * predictions and the report. The local backend has none: its files stay
 * where they were written, on the one machine it runs on.
 */
export interface RunStore {
  /**
   * Uploads a local file to the run's `key` (`<prefix>/runs/<runId>/<key>`)
   * and returns its URI. A key names one content (the activities derive it
   * from the run and the step), so a retry overwrites its own object.
   */
  upload(runId: string, key: string, file: string): Promise<string>;
  /** Downloads an object (an s3:// URI) to a local file, written whole or not at all. */
  download(uri: string, file: string): Promise<void>;
}

/** Whether a location is an object in a store (an s3:// URI) rather than a path on this worker's disk. */
export function isStoredLocation(location: string): boolean {
  return location.startsWith('s3://');
}
