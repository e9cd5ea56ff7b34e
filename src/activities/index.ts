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

export interface ActivityDeps {
  /** Ferry's state folder; the local backend keeps artifacts under it. */
  ferryHome: string;
  trainer?: Trainer;
  registry?: Registry;
}

/** The activities a worker registers, built from their dependencies (no module mocking needed in tests). */
export function createActivities(deps: ActivityDeps) {
  const artifactsRoot = path.join(deps.ferryHome, 'artifacts');
  const trainer = deps.trainer ?? new LocalTrainer();
  const registry = deps.registry ?? openRegistry('local', deps.ferryHome);
  return {
    prepareData: createPrepareData(artifactsRoot),
    trainCandidate: createTrainCandidate(artifactsRoot, trainer),
    evaluateCandidate: createEvaluateCandidate(artifactsRoot, trainer),
    registerModel: createRegisterModel(registry),
    setModelStatus: createSetModelStatus(registry),
    evaluateChampion: createEvaluateChampion(artifactsRoot, trainer, registry),
  };
}

export type FerryActivities = ReturnType<typeof createActivities>;
