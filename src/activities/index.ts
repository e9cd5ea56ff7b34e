import path from 'node:path';
import type { BackendResolver } from '../backends/backend-resolver';
import { guardedByStore } from './artifact-store-failure';
import { createRegisterModel, createSetModelStatus } from './register-model';
import { createEvaluateCandidate } from './evaluate-candidate';
import { createPrepareData } from './prepare-data';
import { createEvaluateChampion } from './evaluate-champion';
import { createTrainCandidate } from './train-candidate';
import { createDeployEndpoint } from './deploy-endpoint';
import { createConfigureAutoscaling } from './configure-autoscaling';
import { createLoadTestEndpoint } from './load-test-endpoint';
import { createRollbackEndpoint } from './rollback-endpoint';
import { createReconcile } from './reconcile';
import { createWriteReport } from './write-report';
import { suggestCandidate } from './suggest-candidate';
import { selectEnsemble } from './select-ensemble';
import { createBuildEnsemble } from './build-ensemble';
import { createVerifyCredential } from './verify-credential';
import { createResolveApprovalPolicy } from './resolve-approval-policy';
import { createCheckRunRights } from './check-run-rights';
import type { CredentialVerifier } from '../identity/verify-credential';

export interface ActivityDeps {
  /** Ferry's state folder; the local backend keeps artifacts under it. */
  ferryHome: string;
  /**
   * The backend for each activity's input, built by the composition root
   * (composeBackends in src/backends/compose-backends.ts, with real or
   * stand-in parts), so activities know only the interfaces.
   */
  backends: BackendResolver;
  /** The workers' sealing key and trusted issuers, loaded once when first needed. */
  verifier: () => Promise<CredentialVerifier>;
}

/** The activities a worker registers, built from their dependencies (no module mocking needed in tests). */
export function createActivities(deps: ActivityDeps) {
  const artifactsRoot = path.join(deps.ferryHome, 'artifacts');
  const { backends } = deps;
  return {
    prepareData: guardedByStore(artifactsRoot, createPrepareData(artifactsRoot, backends)),
    suggestCandidate,
    trainCandidate: guardedByStore(artifactsRoot, createTrainCandidate(artifactsRoot, backends)),
    evaluateCandidate: guardedByStore(
      artifactsRoot,
      createEvaluateCandidate(artifactsRoot, backends),
    ),
    selectEnsemble,
    buildEnsemble: guardedByStore(artifactsRoot, createBuildEnsemble(artifactsRoot, backends)),
    verifyCredential: createVerifyCredential(deps.verifier),
    resolveApprovalPolicy: createResolveApprovalPolicy(backends),
    checkRunRights: createCheckRunRights(backends),
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
    reconcile: createReconcile(backends),
    writeReport: guardedByStore(deps.ferryHome, createWriteReport(deps.ferryHome, backends)),
  };
}

export type FerryActivities = ReturnType<typeof createActivities>;
