import { createHash } from 'node:crypto';
import type { BackendResolver } from '../backends/backend-resolver';
import { describeProtocol } from '../evaluation/protocol';
import type {
  RegisterModelInput,
  RegisteredModel,
  Registration,
  SetModelStatusInput,
} from '../workflows/definitions';

/**
 * register: the chosen model becomes a new version of its model group,
 * pending manual approval, with its test metrics and lineage (dataset
 * fingerprint, config hash, run, candidate, what it was trained on and how
 * it was chosen, artifact and its sha256). Idempotent through the registry:
 * a retry gets the same version back.
 */
export function createRegisterModel(backends: BackendResolver) {
  return async function registerModel(input: RegisterModelInput): Promise<Registration> {
    const { registry, artifactDigest } = backends.of(input.backend);
    const version = await registry.registerVersion({
      group: input.group,
      metrics: numericMetrics(input.winner.test),
      lineage: {
        runId: input.runId,
        candidateId: input.winner.id,
        algorithm: input.winner.algorithm,
        hyperparameters: input.winner.hyperparameters,
        datasetFingerprint: input.datasetFingerprint,
        configHash: sha256(JSON.stringify(input.config)),
        artifactPath: input.winner.modelDir,
        artifactSha256: await artifactDigest(input.winner.modelDir),
        trainedOn: input.winner.trainedOn,
        trainingRows: input.winner.trainingRows,
        selectedBy: describeProtocol(input.protocol),
        rankingScore: numericMetrics(input.winner.metrics),
        testRows: input.winner.testRows,
        ...(input.winner.members ? { members: input.winner.members } : {}),
      },
      tags: {
        pipeline: input.config.name,
        backend: input.config.backend,
        startedBy: input.startedBy,
      },
      registeredBy: input.startedBy,
      policy: input.policy,
    });
    // A retry finds the version registered the first time, with the policy recorded then.
    return {
      model: { group: version.group, version: version.version, status: version.status },
      policy: version.policy ?? input.policy,
    };
  };
}

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON has no NaN: a metric that is not a number is left out rather than stored as null. */
function numericMetrics(metrics: Partial<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(metrics).filter((entry): entry is [string, number] => Number.isFinite(entry[1])),
  );
}

/**
 * setModelStatus: records a decision in the registry: the decision trail,
 * hash-chained onto the version's record, then the status. Idempotent: a
 * retry finds the trail stored and the status already set by the same
 * person for the same reason, and adds nothing.
 */
export function createSetModelStatus(backends: BackendResolver) {
  return async function setModelStatus(input: SetModelStatusInput): Promise<RegisteredModel> {
    const { registry } = backends.of(input.backend);
    if (input.trail) {
      await registry.recordDecisionTrail({
        group: input.group,
        version: input.version,
        entries: input.trail,
      });
    }
    const current = await registry.getVersion(input.group, input.version);
    const last = current?.statusHistory[current.statusHistory.length - 1];
    const isAlreadySet =
      current?.status === input.status && last?.by === input.by && last.reason === input.reason;
    const { trail: _trail, backend: _backend, ...change } = input;
    const version = isAlreadySet && current ? current : await registry.setStatus(change);
    return { group: version.group, version: version.version, status: version.status };
  };
}
