import { openHosting, openRegistry } from '../backends/compose-backends';
import type { PipelineConfig } from '../config/pipeline-schema';
import { resolvePolicy, unsatisfiableBecause } from '../policy/policy-in-force';
import { checkRunRights } from '../policy/run-rights';
import { ferryHome } from '../shared/project-paths';
import { endpointOf } from '../workflows/steps/endpoint-of';

/**
 * Why `startedBy` should not start this pipeline, or undefined: its model
 * group or endpoint belongs to others, or nobody could ever approve it under
 * its group's policy (or its own approval section). The workflow checks the
 * same in its first step; checking here means nothing starts at all.
 */
export async function startProblem(
  config: PipelineConfig,
  startedBy: string,
): Promise<string | undefined> {
  const home = ferryHome();
  const region = config.sagemaker?.region;
  const registry = openRegistry(config.backend, home, region);
  try {
    const rights = await checkRunRights(
      { registry, hosting: openHosting(config.backend, home, region) },
      { group: config.modelGroup, endpoint: endpointOf(config), person: startedBy },
    );
    if (!rights.ok) return rights.reason;
    const record = await registry.getPolicy(config.modelGroup);
    return unsatisfiableBecause(
      resolvePolicy(config.modelGroup, record, config.approval),
      startedBy,
    );
  } finally {
    if ('close' in registry) (registry as { close(): void }).close();
  }
}
