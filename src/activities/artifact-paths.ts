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

/** A candidate's folder; under cross-validation, each fold's training and scoring has its own. */
export function candidateDir(
  artifactsRoot: string,
  runId: string,
  candidateId: string,
  fold?: number,
): string {
  const dir = path.join(runDir(artifactsRoot, runId), 'candidates', candidateId);
  return fold === undefined ? dir : path.join(dir, `fold-${fold}`);
}

/** The job name of a candidate's training (`<run>-c07`, `<run>-c07-f2` for fold 2). */
export function candidateJobName(runId: string, candidateId: string, fold?: number): string {
  return fold === undefined ? `${runId}-${candidateId}` : `${runId}-${candidateId}-f${fold}`;
}
