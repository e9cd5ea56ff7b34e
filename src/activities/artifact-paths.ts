import path from 'node:path';

/**
 * Where the local backend keeps a run's files. Every name derives from the
 * workflow id and the step, so a retried activity finds and reuses what an
 * earlier attempt made instead of making a second copy.
 */
export function runDir(artifactsRoot: string, runId: string): string {
  return path.join(artifactsRoot, runId);
}

export function dataDir(artifactsRoot: string, runId: string): string {
  return path.join(runDir(artifactsRoot, runId), 'data');
}

export function candidateDir(artifactsRoot: string, runId: string, candidateId: string): string {
  return path.join(runDir(artifactsRoot, runId), 'candidates', candidateId);
}
