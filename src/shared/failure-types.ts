/**
 * Every failure type that a Ferry activity or workflow raises on purpose, in
 * one catalogue. The throwers set it (as an error's `name`, or an
 * ApplicationFailure's `type`) and the retry policies list the ones that are
 * not worth retrying, both from here, so a renamed type cannot leave a retry
 * policy naming nothing. Pure constants: the workflow sandbox imports it.
 */
export const FAILURE = {
  /** The dataset cannot be read, split or profiled as the pipeline says. */
  dataset: 'DatasetError',
  /** A training job refused its inputs (the script exited 2, or the job's request was invalid). */
  trainingInput: 'TrainingInputError',
  /** A cancelled SageMaker training job could not be stopped. */
  trainingStopFailed: 'TrainingStopFailed',
  /** A trained model could not be scored on its split. */
  evaluation: 'EvaluationError',
  /** Predictions and labels that no metric can take (wrong length, NaN, one class). */
  metricInput: 'MetricInputError',
  /** The registry refused a write (no such version, a record too large). */
  registry: 'RegistryError',
  /** The hosting backend refused a request about an endpoint. */
  hosting: 'HostingError',
  /** The new version did not start on its endpoint. */
  deploymentFailed: 'DeploymentFailed',
  /** The load test cannot run as configured (no rows, a bad schedule). */
  loadTest: 'LoadTestError',
  /** The artifact store refused a write for good (read-only, no space). */
  artifactStore: 'ArtifactStoreError',
  /** The guided search (TPE) could not suggest a candidate from its request. */
  search: 'SearchError',
  /** Ensemble selection or the ensemble's build cannot use the candidates' predictions or models. */
  ensemble: 'EnsembleError',
  /** A decision the run refused (no valid credential, not eligible, too late); the update's caller gets it. */
  decisionRefused: 'DecisionRefused',
  /** A run's start credential did not verify: nobody proven started it, so it does nothing. */
  unauthenticated: 'Unauthenticated',
  /** Under the approval policy in force nobody could ever approve the run. */
  approvalPolicy: 'ApprovalPolicyUnsatisfiable',
  /** The run's starter may not work in its model group, or its endpoint serves another group. */
  notOwner: 'NotOwner',
  /** A release failed before its load test passed; the endpoint was rolled back and the version rejected. */
  releaseFailed: 'ReleaseFailed',
  /** A release failed and so did its compensation: the endpoint or the version may be left as it was. */
  compensationFailed: 'CompensationFailed',
  /** Every candidate of a run failed. */
  allCandidatesFailed: 'AllCandidatesFailed',
  /** The SageMaker service (or its emulator) does not implement an operation. */
  sageMakerUnsupported: 'SageMakerOperationUnsupported',
  /** SageMaker refused a request as the client's fault (validation, access, quota). */
  sageMakerRefused: 'SageMakerRequestRefused',
} as const;

export type FailureType = (typeof FAILURE)[keyof typeof FAILURE];
