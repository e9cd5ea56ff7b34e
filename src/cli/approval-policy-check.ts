import { openRegistry } from '../backends/compose-backends';
import type { PipelineConfig } from '../config/pipeline-schema';
import { resolvePolicy, unsatisfiableBecause } from '../policy/policy-in-force';
import { ferryHome } from '../shared/project-paths';

/**
 * Why a run of this pipeline could never be approved under its group's
 * policy (or its own approval section), or undefined. The workflow checks
 * the same in its first step; checking here means nothing starts at all.
 */
export async function approvalPolicyProblem(
  config: PipelineConfig,
  startedBy: string,
): Promise<string | undefined> {
  const registry = openRegistry(config.backend, ferryHome(), config.sagemaker?.region);
  try {
    const record = await registry.getPolicy(config.modelGroup);
    return unsatisfiableBecause(
      resolvePolicy(config.modelGroup, record, config.approval),
      startedBy,
    );
  } finally {
    if ('close' in registry) (registry as { close(): void }).close();
  }
}
