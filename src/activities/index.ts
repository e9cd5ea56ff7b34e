import path from 'node:path';
import { LocalTrainer } from '../backends/local/local-trainer';
import type { BackendParts } from '../backends/backend-parts';
import type { Trainer } from '../backends/trainer';
import type { Registry } from '../backends/registry';
import { openRegistry } from '../backends/open-registry';
import type { Hosting } from '../backends/hosting';
import { LocalHostingClient } from '../backends/local/hosting/hosting-client';
import { createLocalInvoker } from '../backends/local/local-invoker';
import { folderSha256 } from '../backends/local/folder-digest';
import { createSageMakerBackend } from '../backends/sagemaker/sagemaker-backend';
import type { AwsClients } from '../backends/sagemaker/aws-clients';
import { guardedByStore } from './artifact-store-failure';
import { Backends } from './backends';
import { createRegisterModel, createSetModelStatus } from './register-model';
import { createEvaluateCandidate } from './evaluate-candidate';
import { createPrepareData } from './prepare-data';
import { createEvaluateChampion } from './evaluate-champion';
import { createTrainCandidate } from './train-candidate';
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
  /** The AWS clients of the SageMaker backend (tests attach their emulator's stand-ins); default: from the environment. */
  awsClients?: (region: string | undefined) => AwsClients;
}

/** The activities a worker registers, built from their dependencies (no module mocking needed in tests). */
export function createActivities(deps: ActivityDeps) {
  const artifactsRoot = path.join(deps.ferryHome, 'artifacts');
  const local: BackendParts = {
    trainer: deps.trainer ?? new LocalTrainer(),
    registry: deps.registry ?? openRegistry('local', deps.ferryHome),
    hosting: deps.hosting ?? new LocalHostingClient(deps.ferryHome),
    openInvoker: createLocalInvoker,
    artifactDigest: folderSha256,
  };
  const backends = new Backends(local, (settings) =>
    createSageMakerBackend(settings, deps.awsClients?.(settings.region)),
  );
  return {
    prepareData: guardedByStore(artifactsRoot, createPrepareData(artifactsRoot, backends)),
    trainCandidate: guardedByStore(artifactsRoot, createTrainCandidate(artifactsRoot, backends)),
    evaluateCandidate: guardedByStore(
      artifactsRoot,
      createEvaluateCandidate(artifactsRoot, backends),
    ),
    registerModel: createRegisterModel(backends),
    setModelStatus: createSetModelStatus(backends),
    evaluateChampion: guardedByStore(
      artifactsRoot,
      createEvaluateChampion(artifactsRoot, backends),
    ),
    deployEndpoint: createDeployEndpoint(backends),
    configureAutoscaling: createConfigureAutoscaling(backends),
    loadTestEndpoint: createLoadTestEndpoint(backends),
    rollbackEndpoint: createRollbackEndpoint(backends),
    writeReport: guardedByStore(deps.ferryHome, createWriteReport(deps.ferryHome, backends)),
  };
}

export type FerryActivities = ReturnType<typeof createActivities>;
