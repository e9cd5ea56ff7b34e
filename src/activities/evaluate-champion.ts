import type { ChampionEvaluation, EvaluateChampionInput } from '../workflows/definitions';
import { runDir } from './artifact-paths';
import { evaluateModel } from './evaluate-candidate';
import path from 'node:path';
import type { BackendResolver } from '../backends/backend-resolver';
import type { RunFiles } from './run-files';

/**
 * evaluateChampion: the group's latest Approved version, re-evaluated on this
 * run's test split, so the champion gate compares like with like (its
 * registered metrics came from another split, maybe other data).
 */
export function createEvaluateChampion(
  artifactsRoot: string,
  backends: BackendResolver,
  files: RunFiles,
) {
  return async function evaluateChampion(
    input: EvaluateChampionInput,
  ): Promise<ChampionEvaluation> {
    const { trainer, registry } = backends.of(input.backend);
    const champion = await registry.latestApproved(input.group);
    if (!champion) return { found: false };
    const evaluation = await evaluateModel(trainer, files, {
      runId: input.runId,
      backend: input.backend,
      // Scored on test only, which keeps no predictions.
      predictionsKey: 'champion/ranking-predictions.json',
      jobName: `${input.runId}-champion-v${champion.version}`,
      algorithm: champion.lineage.algorithm,
      modelDir: champion.lineage.artifactPath,
      workDir: path.join(runDir(artifactsRoot, input.runId), 'champion'),
      rows: input.rows,
      target: input.target,
      task: input.task,
      modelName: `${input.group} version ${champion.version}`,
    });
    return {
      found: true,
      version: champion.version,
      algorithm: champion.lineage.algorithm,
      metrics: evaluation.metrics,
    };
  };
}
