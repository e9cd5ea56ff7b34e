import { openHosting, openRegistry } from '../backends/compose-backends';
import type { PipelineConfig } from '../config/pipeline-schema';
import { checkRunRights } from '../policy/run-rights';
import { ferryHome } from '../shared/project-paths';
import { endpointOf } from '../workflows/steps/endpoint-of';

/**
 * Why `startedBy` may not run this pipeline (its model group or endpoint
 * belongs to others), or undefined. The workflow checks the same in its
 * first step; checking here means nothing starts at all.
 */
export async function runRightsProblem(
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
    return rights.ok ? undefined : rights.reason;
  } finally {
    if ('close' in registry) (registry as { close(): void }).close();
  }
}
