import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JobControls, PredictionJob, Predictions } from '../backends/trainer';
import { makeDirectory } from '../shared/make-directory';
import { algorithmDir, COMMON_DIR } from './python-paths';
import { runScript } from './run-script';
import { throwIfScriptFailed } from './script-failure';
import { parseProgress } from './script-output';

/**
 * Predictions of a model folder on this machine, through the algorithm's
 * inference functions (algorithms/common/batch_predict.py). Both backends
 * evaluate this way: the local one on the folder it trained into, the
 * SageMaker one on the model.tar.gz it downloaded, so every metric comes
 * from the same predictions path (DESIGN.md §3).
 */
export async function predictInWorker(
  job: PredictionJob,
  controls: JobControls,
): Promise<Predictions> {
  const output = path.join(job.workDir, 'predictions.json');
  const log = path.join(job.workDir, 'predict.log');
  await makeDirectory(job.workDir);
  await writeFile(log, '');
  const run = await runScript(
    {
      script: path.join(COMMON_DIR, 'batch_predict.py'),
      argv: [
        '--algorithm-dir',
        algorithmDir(job.algorithm),
        '--model-dir',
        job.modelDir,
        '--input',
        job.inputFile,
        '--output',
        output,
      ],
      env: {},
      cwd: job.workDir,
      log,
    },
    controls.signal,
    (line) => {
      const progress = parseProgress(line);
      if (progress) controls.onProgress(progress);
    },
  );
  throwIfScriptFailed(run, `predictions of ${job.jobName} (${job.algorithm})`, log);
  return JSON.parse(await readFile(output, 'utf8')) as Predictions;
}
