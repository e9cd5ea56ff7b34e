import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { PipelineConfig } from '../config/pipeline-schema';
import { configSha256 } from '../identity/config-digest';
import { credentialFor, type Signer } from '../identity/credential-issuer';
import type { PipelineInput } from '../workflows/definitions';
import { FERRY_BACKEND, FERRY_MODEL_GROUP, FERRY_STAGE } from './search-attributes';
import { configuredTrainingTaskQueue, ferryTaskQueue } from './task-queues';
import type { trainingPipeline } from '../workflows/pipeline';

export interface StartedRun {
  handle: WorkflowHandle<typeof trainingPipeline>;
  config: PipelineConfig;
  runId: string;
}

/**
 * Starts a run of a pipeline that has passed validation (`ferry run`, the
 * demo and the HTTP API): the run id, task queue and search attributes every
 * run gets. Relative dataset paths are resolved against `baseDir`. Both
 * faces start runs through here, so a run started over HTTP is the same run
 * as one started on the command line.
 */
export async function startValidatedRun(
  client: Client,
  validConfig: PipelineConfig,
  options: { starter: Signer; baseDir: string; taskQueue?: string; trainingTaskQueue?: string },
): Promise<StartedRun> {
  const config = withAbsoluteDatasetPath(validConfig, options.baseDir);
  const runId = `ferry-${config.name}-${randomBytes(4).toString('hex')}`;
  const handle = await client.workflow.start<typeof trainingPipeline>('trainingPipeline', {
    taskQueue: options.taskQueue ?? ferryTaskQueue(),
    workflowId: runId,
    args: [
      {
        ...(await pipelineInput(options.starter, runId, config)),
        // Unset, the run derives `<task queue>-training`, as the workers do.
        trainingTaskQueue: options.trainingTaskQueue ?? configuredTrainingTaskQueue(),
      },
    ],
    typedSearchAttributes: [
      { key: FERRY_STAGE, value: 'queued' },
      { key: FERRY_MODEL_GROUP, value: config.modelGroup },
      { key: FERRY_BACKEND, value: config.backend },
    ],
  });
  return { handle, config, runId };
}

/**
 * What a run is started with: its config, and the starter's credential for
 * exactly this run id and this config (sealed; the first step verifies it).
 */
export async function pipelineInput(
  starter: Signer,
  runId: string,
  config: PipelineConfig,
): Promise<PipelineInput> {
  const { credential } = await credentialFor(starter, {
    action: 'start',
    runId,
    group: config.modelGroup,
    configSha256: configSha256(config),
  });
  return { config, startCredential: credential };
}

/** The worker may run in another folder: hand it an absolute dataset path. */
export function withAbsoluteDatasetPath(config: PipelineConfig, baseDir: string): PipelineConfig {
  if (config.dataset.path.startsWith('s3://')) return config;
  return {
    ...config,
    dataset: { ...config.dataset, path: path.resolve(baseDir, config.dataset.path) },
  };
}
