/** `s3://bucket/key`, and back. */
export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new Error(`${uri} is not an S3 URI (s3://bucket/key)`);
  return { bucket: match[1] ?? '', key: match[2] ?? '' };
}

/** Where a run keeps its artifacts: `<prefix>/runs/<runId>/<...parts>`. */
export function runKey(prefix: string, runId: string, ...parts: string[]): string {
  return [prefix, 'runs', runId, ...parts].join('/');
}
