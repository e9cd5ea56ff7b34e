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
import { endpointHolder } from './endpoint-holder';
import { createReconcile } from './reconcile';
import { createWriteReport } from './write-report';
import { suggestCandidate } from './suggest-candidate';
import { createSelectEnsemble } from './select-ensemble';
import { RunFiles } from './run-files';
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
  // This worker's copies of the run files other workers put in S3.
  const files = new RunFiles(
    path.join(deps.ferryHome, 'cache'),
    (backend) => backends.of(backend).store,
  );
  return {
    prepareData: guardedByStore(
      artifactsRoot,
      createPrepareData(artifactsRoot, backends, process.env, files),
    ),
    suggestCandidate,
    trainCandidate: guardedByStore(artifactsRoot, createTrainCandidate(artifactsRoot, backends)),
    evaluateCandidate: guardedByStore(
      artifactsRoot,
      createEvaluateCandidate(artifactsRoot, backends, files),
    ),
    selectEnsemble: createSelectEnsemble(files),
    buildEnsemble: guardedByStore(artifactsRoot, createBuildEnsemble(artifactsRoot, backends)),
    verifyCredential: createVerifyCredential(deps.verifier),
    resolveApprovalPolicy: createResolveApprovalPolicy(backends),
    checkRunRights: createCheckRunRights(backends),
    registerModel: createRegisterModel(backends),
    setModelStatus: createSetModelStatus(backends),
    evaluateChampion: guardedByStore(
      artifactsRoot,
      createEvaluateChampion(artifactsRoot, backends, files),
    ),
    deployEndpoint: createDeployEndpoint(backends),
    configureAutoscaling: createConfigureAutoscaling(backends),
    loadTestEndpoint: createLoadTestEndpoint(backends, files),
    rollbackEndpoint: createRollbackEndpoint(backends),
    endpointHolder,
    reconcile: createReconcile(backends),
    writeReport: guardedByStore(deps.ferryHome, createWriteReport(deps.ferryHome, backends, files)),
  };
}

export type FerryActivities = ReturnType<typeof createActivities>;
