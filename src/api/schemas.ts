import { z } from 'zod';
import { endpointDescriptionSchema, scalingActivitySchema } from '../backends/hosting';
import { modelVersionSchema as registryVersionSchema } from '../backends/registry';
import { pipelineSchema } from '../config/pipeline-schema';
import { approvalPolicySchema, policyRecordSchema } from '../policy/approval-policy';
import { decisionActionSchema, MAX_DECISION_MESSAGE_CHARS } from '../workflows/approval-rules';
import { championGateVerdictSchema, championSchema } from '../evaluation/champion-gate';
import { metricNameSchema } from '../evaluation/metric-names';
import { chosenModelSchema, gateVerdictSchema, leaderboardRowSchema } from '../evaluation/select';
import {
  candidateStatusSchema,
  decisionAcceptedSchema,
  runOutcomeNameSchema,
  runStageSchema,
  runSummarySchema,
} from '../workflows/definitions';

/**
 * The API's request and response shapes. Fastify validates requests with
 * them, and the OpenAPI document is generated from them (jsonSchemaTransform),
 * so what the server checks and what it documents cannot drift apart.
 *
 * Responses reuse the schemas of the modules that own the shapes (a run's
 * summary and result, registry versions, endpoints, leaderboard rows, the
 * champion gate), so a shape is written once, where it is made.
 */

// --- shared -------------------------------------------------------------------

export const problemSchema = z
  .object({
    path: z.string().describe("dotted path of the field, such as 'candidates.count'"),
    message: z.string().describe('what is wrong with it'),
    fix: z.string().describe('what to write instead'),
  })
  .meta({ id: 'Problem' });

export const errorSchema = z
  .object({
    code: z
      .string()
      .describe(
        'Unauthorized, Forbidden, ValidationError, InvalidPipeline, NotFound, DecisionRefused, BodyTooLarge, IdentityProviderUnavailable, ...',
      ),
    message: z.string(),
    problems: z
      .array(problemSchema)
      .optional()
      .describe('every problem at once (ValidationError, InvalidPipeline)'),
  })
  .meta({ id: 'Error' });
export type ApiErrorBody = z.infer<typeof errorSchema>;

/** The error answers a route can give, for its `response` schema. */
export function errorResponses<const C extends readonly number[]>(...codes: C) {
  return Object.fromEntries(codes.map((code) => [code, errorSchema])) as Record<
    C[number],
    typeof errorSchema
  >;
}

/** Ferry run ids are `ferry-<pipeline>-<hex>`; the pattern also keeps report paths inside the home. */
export const runIdParams = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$/, {
      message: 'is not a run id; run ids look like ferry-churn-1a2b3c4d',
    })
    .describe('run id, as POST /runs returns it'),
});

// --- runs ---------------------------------------------------------------------

/** The body of POST /runs, documented as the pipeline file's schema (checked by validatePipeline). */
export const pipelineBodySchema = pipelineSchema;

export const startedRunSchema = z.object({
  runId: z.string(),
  startedBy: z.string().describe('the authenticated person (API token or ID token)'),
  modelGroup: z.string(),
});

export const runStatusSchema = z
  .string()
  .describe('Temporal status: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT');

export const listRunsQuery = z.object({
  modelGroup: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,63}$/, { message: 'is not a model group name' })
    .optional()
    .describe('only runs of this model group'),
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('at most this many runs'),
});

/**
 * A run's stage as its FerryStage search attribute holds it: a string, since
 * visibility may hold one a later Ferry no longer writes.
 */
const stageSchema = z
  .string()
  .describe(`${runStageSchema.options.join(', ')}; queued until a worker picks the run up`);

export const runListItemSchema = z.object({
  runId: z.string(),
  status: runStatusSchema,
  stage: stageSchema,
  modelGroup: z.string().optional(),
  backend: z.string().optional(),
  startedAt: z.string(),
  closedAt: z.string().optional(),
});

export const runListSchema = z.object({ runs: z.array(runListItemSchema) });

/**
 * A metric value as a run's summary carries it: JSON has no NaN, so a metric
 * that could not be computed (ROC AUC of a test split with one class) crossed
 * an activity boundary, and comes back, as null.
 */
const metricValueFromJson = z
  .number()
  .nullable()
  .describe('null where the metric could not be computed (NaN)');
const metricValuesFromJson = z.partialRecord(metricNameSchema, metricValueFromJson);

export const leaderboardRowResponseSchema = leaderboardRowSchema
  .extend({
    metrics: metricValuesFromJson.describe(
      'ranking scores: validation, or the CV mean; never test',
    ),
    spread: metricValuesFromJson.optional(),
    objectiveValue: metricValueFromJson.optional(),
  })
  .meta({ id: 'LeaderboardRow' });

export const chosenModelResponseSchema = chosenModelSchema
  .extend({
    metrics: metricValuesFromJson,
    spread: metricValuesFromJson.optional(),
    objectiveValue: metricValueFromJson.optional(),
    test: metricValuesFromJson.describe('the test split, read once for this model'),
    testObjectiveValue: metricValueFromJson.optional(),
    gates: z.array(gateVerdictSchema.extend({ observed: metricValueFromJson.optional() })),
  })
  .meta({ id: 'ChosenModel' });

export const championGateResponseSchema = championGateVerdictSchema
  .extend({ champion: championSchema.extend({ metrics: metricValuesFromJson }).optional() })
  .meta({ id: 'ChampionGate' });

const candidateStatusResponseSchema = candidateStatusSchema.extend({
  metrics: metricValuesFromJson.optional(),
});

/**
 * What the workflow's summary query and its result say about a run, metric
 * values as JSON carries them. All optional: a run no worker has picked up
 * yet, or a closed one no worker can replay, has only what visibility holds.
 */
const runFindingsSchema = runSummarySchema
  .omit({ stage: true })
  .extend({
    candidates: z.array(candidateStatusResponseSchema),
    leaderboard: z.array(leaderboardRowResponseSchema),
    winner: chosenModelResponseSchema.optional(),
    championGate: championGateResponseSchema.optional(),
    datasetFingerprint: z.string(),
  })
  .partial();

export const runSchema = runFindingsSchema
  .extend({
    runId: z.string(),
    status: runStatusSchema,
    startedAt: z.string(),
    closedAt: z.string().optional(),
    stage: stageSchema,
    backend: z.string().optional(),
    outcome: runOutcomeNameSchema.optional().describe('how a completed run ended'),
    reason: z.string().optional(),
    failure: z.string().optional().describe('why a run failed'),
    reportUrl: z.string().optional().describe("where the run's report is served, once written"),
  })
  .meta({ id: 'Run' });

const decisionMessageSchema = z
  .string()
  .max(MAX_DECISION_MESSAGE_CHARS)
  .optional()
  .describe('why; a rejection needs one. It is signed into the credential with the decision');

export const decisionBodySchema = z
  .strictObject({ message: decisionMessageSchema })
  // No body at all (fastify hands the validator null) is an approval without a message.
  .nullable()
  .describe('optional; the approver is the authenticated person, a body cannot name another');

export const decisionSchema = decisionAcceptedSchema.extend({ runId: z.string() });

export const credentialRequestSchema = z.strictObject({
  action: decisionActionSchema.describe('the one decision the credential allows'),
  message: decisionMessageSchema,
});

export const issuedCredentialSchema = z
  .object({
    runId: z.string(),
    action: decisionActionSchema,
    credential: z
      .string()
      .describe(
        'sealed for the workers; proves the authenticated person may send this decision on this run and version, until expiresAt. Treat it as a secret',
      ),
    tokenId: z.string().describe("the credential's id, as the decision trail will name it"),
    expiresAt: z.string(),
    signal: z
      .object({
        name: z.string().describe('the signal to send: approve or reject'),
        input: z
          .string()
          .describe(
            `its input as JSON text, {"credential": "..."}: paste it into the Temporal UI's "Send Signal", or pass it to temporal workflow signal --input`,
          ),
      })
      .describe('the same decision as a Temporal signal'),
  })
  .meta({ id: 'IssuedCredential' });

export const reportQuery = z.object({
  format: z
    .enum(['json', 'md'])
    .optional()
    .describe('json (default) or md; an Accept of text/markdown also gives md'),
});

export const reportSchema = z.looseObject({}).describe("the run's report.json");

// --- models and endpoints -----------------------------------------------------

const nameParam = z.string().regex(/^[A-Za-z0-9](-*[A-Za-z0-9]){0,62}$/, {
  message: 'must be 1-63 letters, digits or single hyphens (a SageMaker name)',
});

export const groupParams = z.object({ group: nameParam });
export const versionParams = z.object({
  group: nameParam,
  version: z.coerce.number().int().min(1).describe('version number, 1, 2, ...'),
});

export const modelVersionSchema = registryVersionSchema.meta({ id: 'ModelVersion' });

export const modelGroupSchema = z.object({
  group: z.string(),
  versions: z.array(modelVersionSchema),
});

export const endpointParams = z.object({ name: nameParam });

export const endpointSchema = endpointDescriptionSchema.meta({ id: 'Endpoint' });

export const endpointWithActivitySchema = endpointDescriptionSchema
  .extend({
    scalingActivities: z
      .array(scalingActivitySchema)
      .describe('the most recent changes of size, newest last'),
  })
  .meta({ id: 'EndpointWithActivity' });

export const endpointListSchema = z.object({ endpoints: z.array(endpointSchema) });

/** Loose: fastify replaces request.headers with the parsed value, and the others must stay. */
export const invocationHeaders = z.looseObject({
  accept: z
    .string()
    .optional()
    .describe('application/json (default) or text/csv: how the predictions come back'),
});

// --- approval policies --------------------------------------------------------

/** PUT /policies/{group}: the policy itself, as `ferry policy set` reads it from a file. */
export const approvalPolicyBodySchema = approvalPolicySchema;

export const policyRecordResponseSchema = policyRecordSchema;

export const policyHistorySchema = z
  .object({
    group: z.string(),
    current: policyRecordSchema
      .nullable()
      .describe("the policy in force for the group's next runs; null when it has none"),
    revisions: z.array(policyRecordSchema).describe('every revision, oldest first'),
  })
  .meta({ id: 'PolicyHistory' });

// --- service ------------------------------------------------------------------

export const healthSchema = z.object({
  ok: z.boolean(),
  taskQueue: z.string(),
});

/**
 * A public JSON Web Key as the API publishes it: EC P-256 for ES256. A
 * plain object, so anything else a key held (a private `d`) is stripped.
 */
const publicJwkSchema = z.object({
  kty: z.string(),
  kid: z.string().optional(),
  alg: z.string().optional(),
  use: z.string().optional(),
  crv: z.string().optional(),
  x: z.string().optional(),
  y: z.string().optional(),
});

export const jwksSchema = z
  .object({ keys: z.array(publicJwkSchema) })
  .describe("the API issuer's public signing keys, for workers' FERRY_TRUSTED_ISSUERS (jwksUrl)");
