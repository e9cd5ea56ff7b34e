import path from 'node:path';
import { LocalTrainer } from '../backends/local/local-trainer';
import type { Trainer } from '../backends/trainer';
import type { Registry } from '../backends/registry';
import { openRegistry } from '../backends/open-registry';
import { createRegisterModel, createSetModelStatus } from './register-model';
import { createEvaluateCandidate } from './evaluate-candidate';
import { createPrepareData } from './prepare-data';
import { createEvaluateChampion } from './evaluate-champion';
import { createTrainCandidate } from './train-candidate';
import type { Hosting } from '../backends/hosting';
import { LocalHostingClient } from '../backends/local/hosting/hosting-client';
import { createDeployEndpoint } from './deploy-endpoint';
import { createConfigureAutoscaling } from './configure-autoscaling';
import { createLoadTestEndpoint } from './load-test-endpoint';
import { createRollbackEndpoint } from './rollback-endpoint';
import { createWriteReport } from './write-report';

export interface ActivityDeps {
  /** Ferry's state folder; the local backend keeps artifacts under it. */
  ferryHome: string;
  trainer?: Trainer;
  registry?: Registry;
  hosting?: Hosting;
}

/** The activities a worker registers, built from their dependencies (no module mocking needed in tests). */
export function createActivities(deps: ActivityDeps) {
  const artifactsRoot = path.join(deps.ferryHome, 'artifacts');
  const trainer = deps.trainer ?? new LocalTrainer();
  const registry = deps.registry ?? openRegistry('local', deps.ferryHome);
  const hosting = deps.hosting ?? new LocalHostingClient(deps.ferryHome);
  return {
    prepareData: createPrepareData(artifactsRoot),
    trainCandidate: createTrainCandidate(artifactsRoot, trainer),
    evaluateCandidate: createEvaluateCandidate(artifactsRoot, trainer),
    registerModel: createRegisterModel(registry),
    setModelStatus: createSetModelStatus(registry),
    evaluateChampion: createEvaluateChampion(artifactsRoot, trainer, registry),
    deployEndpoint: createDeployEndpoint(hosting, registry),
    configureAutoscaling: createConfigureAutoscaling(hosting),
    loadTestEndpoint: createLoadTestEndpoint(hosting),
    rollbackEndpoint: createRollbackEndpoint(hosting, registry),
    writeReport: createWriteReport(deps.ferryHome, hosting),
  };
}

export type FerryActivities = ReturnType<typeof createActivities>;
