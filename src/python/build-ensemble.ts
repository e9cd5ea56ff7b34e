import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EnsembleJob, JobControls } from '../backends/trainer';
import { makeDirectory } from '../shared/make-directory';
import { algorithmDir } from './python-paths';
import { runScript } from './run-script';
import { throwIfScriptFailed } from './script-failure';
import { parseProgress } from './script-output';

/** The algorithm name an ensemble's model carries: its folder holds the build script and inference.py. */
export const ENSEMBLE_ALGORITHM = 'ensemble';

/**
 * An ensemble's model.joblib from member model folders on this machine
 * (algorithms/ensemble/build.py), into `<workDir>/model`. Both backends
 * build this way: the local one on the members' folders, the SageMaker one
 * on the members it downloaded, before uploading the result.
 */
export async function buildEnsembleInWorker(
  job: EnsembleJob,
  controls: JobControls,
): Promise<{ modelDir: string }> {
  const modelDir = path.join(job.workDir, 'model');
  const spec = path.join(job.workDir, 'ensemble.json');
  const log = path.join(job.workDir, 'build.log');
  // A retried build starts clean, as a retried training does.
  await rm(modelDir, { recursive: true, force: true });
  await makeDirectory(modelDir);
  await writeFile(spec, JSON.stringify({ members: job.members }, null, 2));
  await writeFile(log, '');
  const run = await runScript(
    {
      script: path.join(algorithmDir(ENSEMBLE_ALGORITHM), 'build.py'),
      argv: ['--spec', spec, '--model-dir', modelDir],
      env: {},
      cwd: algorithmDir(ENSEMBLE_ALGORITHM),
      log,
    },
    controls.signal,
    (line) => {
      const progress = parseProgress(line);
      if (progress) controls.onProgress(progress);
    },
  );
  throwIfScriptFailed(run, `building ensemble ${job.jobName}`, log);
  return { modelDir };
}
