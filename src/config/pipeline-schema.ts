import { z } from 'zod';
import { ALGORITHM_NAMES } from './algorithm-catalog';
import { metricNameSchema, taskSchema } from '../evaluation/metric-names';
import { parseDurationMs } from './duration';
import { showValue } from './show-value';
import { patternName, personName, plainText, sagemakerName } from './text-fields';

/**
 * The pipeline file (DESIGN.md §1). Structure, types and defaults live here;
 * rules that span fields are in pipeline-rules.ts so that every problem in a
 * file is reported at once (zod skips a parent's refinements when a child
 * fails). Every object is strict: an unknown key is an error, not a silent
 * no-op.
 */

const fraction = z.number().gt(0).lt(1);

/** numpy's generators take seeds below 2^32; a larger one would fail in training, not here. */
const seed = z
  .number()
  .int()
  .nonnegative()
  .max(2 ** 32 - 1);

/** Lists a user writes by hand are short; a bound keeps a generated one from flooding a run. */
const LIST_MAX = { approvers: 100, gates: 50, algorithms: 20, values: 100, phases: 20 };

/** SageMaker instance types, such as ml.m5.large. */
const instanceType = patternName(
  64,
  /^ml\.[a-z0-9]+(\.[a-z0-9]+)+$/,
  'is not a SageMaker instance type, such as ml.m5.large',
);

export const durationSchema = z
  .string()
  .max(32)
  .superRefine((text, ctx) => {
    if (text.length > 32 || parseDurationMs(text) !== undefined) return;
    ctx.addIssue({
      code: 'custom',
      message: `(${showValue(text)}) is not a duration`,
      params: { fix: 'write a number and a unit, such as 90s, 15m, 2h or 7d' },
      input: text,
    });
  });

const DAY_MS = 86_400_000;

/** SageMaker stops a training job after 28 days (MaxRuntimeInSeconds); a longer timeout could never fire. */
const trainingTimeoutSchema = durationSchema.refine(
  (text) => (parseDurationMs(text) ?? 0) <= 28 * DAY_MS,
  {
    message: "is over 28 days, SageMaker's longest training job",
    params: { fix: 'use at most 28d' },
  },
);

export const datasetSchema = z
  .strictObject({
    // 4096: the longest path Linux opens (PATH_MAX).
    path: plainText(4096).describe('CSV file, relative to the pipeline file, or an s3:// URI'),
    target: plainText(256).describe('name of the column to predict'),
    task: taskSchema,
    positiveClass: plainText(256)
      .optional()
      .describe(
        'binary tasks: the label treated as positive (default: the second label in sorted order)',
      ),
  })
  .describe('the data to learn from');

/** What training and evaluation need to know of the dataset: the column to predict and how. */
export const datasetTargetSchema = datasetSchema.pick({
  target: true,
  task: true,
  positiveClass: true,
});

export const splitSchema = z
  .strictObject({
    train: fraction.default(0.7),
    validation: fraction.default(0.15),
    test: fraction.default(0.15),
    seed: seed.default(42),
    stratify: z
      .boolean()
      .optional()
      .describe('default: true for classification, false for regression'),
  })
  .superRefine((split, ctx) => {
    const total = split.train + split.validation + split.test;
    if (Math.abs(total - 1) > 1e-9) {
      ctx.addIssue({
        code: 'custom',
        path: ['test'],
        message: `train + validation + test add up to ${round(total)}, not 1`,
        params: { fix: 'make the three fractions add up to 1 (for example 0.7, 0.15, 0.15)' },
      });
    }
  })
  .describe(
    'how rows are divided: train (fitting), validation (early stopping and ranking) and test (read once, for the chosen model)',
  );

/**
 * How candidates are scored for ranking (DESIGN.md §2, data discipline).
 * Never on test: on the validation split (holdout), or by k-fold
 * cross-validation over train + validation. Without `method`, the run
 * chooses by size (src/evaluation/protocol.ts says the rule and why).
 */
export const evaluationSchema = z
  .strictObject({
    method: z
      .enum(['holdout', 'cv'])
      .optional()
      .describe(
        'holdout: rank on the validation split; cv: k-fold cross-validation on train + validation. Default: cv below 100,000 rows and 10 million cells, holdout above',
      ),
    folds: z.number().int().min(2).max(20).default(5).describe('cv only: how many folds'),
    refit: z
      .boolean()
      .default(true)
      .describe(
        'refit the chosen configuration on train + validation before its test score and registration (cv always refits)',
      ),
  })
  .describe('how candidates are ranked; the test split is read once, for the chosen model');

export const rangeSchema = z.strictObject({
  low: z.number(),
  high: z.number(),
  log: z.boolean().default(false).describe('sample on a log scale (low must be > 0)'),
});

export const hyperparameterValueSchema = z
  .union([z.number(), rangeSchema, z.array(z.number()).min(1).max(LIST_MAX.values)])
  .describe('a fixed value, a range {low, high, log}, or a list of values to choose from');

export const algorithmChoiceSchema = z.strictObject({
  name: z.enum(ALGORITHM_NAMES),
  hyperparameters: z
    .record(z.string(), hyperparameterValueSchema)
    .optional()
    .describe(
      "the values to search; left out, the algorithm's built-in search space (algorithms/README.md)",
    ),
});

export const candidatesSchema = z
  .strictObject({
    count: z
      .number()
      .int()
      .min(1)
      .max(250)
      .default(8)
      .describe('how many candidate models to build (N)'),
    maxParallel: z
      .number()
      .int()
      .min(1)
      .max(250)
      .default(2)
      .describe('how many candidates train at once'),
    strategy: z
      .enum(['random', 'grid', 'tpe'])
      .default('random')
      .describe(
        "random: independent draws; grid: every listed combination; tpe: Optuna's TPE sampler, guided by the scores so far",
      ),
    seed: seed.default(1).describe('seeds the candidate generator'),
    trainingTimeout: trainingTimeoutSchema
      .default('30m')
      .describe("at most 28d, SageMaker's longest training job"),
    ensemble: z
      .boolean()
      .optional()
      .describe(
        'also offer a weighted ensemble of the candidates (greedy ensemble selection on their ranking predictions) as a candidate; left out, on when count is at least 10',
      ),
    algorithms: z
      .array(algorithmChoiceSchema)
      .min(1)
      .max(LIST_MAX.algorithms)
      .optional()
      .describe('the algorithms to try; left out, all four with their built-in search spaces'),
  })
  .describe('the search space: algorithms x hyperparameters');

/** Whether a run offers an ensemble: `candidates.ensemble`, else on from 10 candidates. */
export function isEnsembleOn(candidates: { count: number; ensemble?: boolean }): boolean {
  return candidates.ensemble ?? candidates.count >= ENSEMBLE_MIN_COUNT;
}

/** Below this many candidates an ensemble is off unless asked for: a small library has little to combine. */
export const ENSEMBLE_MIN_COUNT = 10;

export const gateSchema = plainText(200).describe(
  'a threshold on the chosen model\'s test-split metric, such as "roc_auc >= 0.80"',
);

export const gatesSchema = z.strictObject({
  thresholds: z.array(gateSchema).max(LIST_MAX.gates).default([]),
  champion: z
    .strictObject({
      enabled: z.boolean().default(true),
      margin: z
        .number()
        .min(0)
        .default(0)
        .describe('how much the winner must beat the approved champion by'),
    })
    .default({ enabled: true, margin: 0 }),
});

export const approvalSchema = z
  .strictObject({
    approvers: z
      .array(personName)
      .max(LIST_MAX.approvers)
      .default([])
      .describe(
        "who may approve or reject, when the model group has no approval policy (a group's policy decides otherwise)",
      ),
    approvals: z
      .number()
      .int()
      .min(1)
      .max(10)
      .optional()
      .describe(
        "how many distinct people must approve (default 1; may raise a group policy's quorum, never lower it)",
      ),
    allowStarterToApprove: z.boolean().default(false),
    timeout: durationSchema
      .optional()
      .describe(
        "between 1m and 30d (default 7d, or the group policy's maxTimeout); past it the version is rejected",
      ),
  })
  .describe('the human sign-off');

const MAX_REPLICAS = 100;
const HOUR_SECONDS = 3600;
const DAY_SECONDS = 86_400;

/**
 * Target tracking on invocations per replica, as SageMaker's
 * SageMakerVariantInvocationsPerInstance: the endpoint section's scaling
 * fields without their defaults. The deploy step hands them to the backend as
 * they are (backends/hosting.ts, scalingPolicySchema).
 */
export const scalingFieldsSchema = z.strictObject({
  // The local backend runs each replica as a process on this machine: a bound keeps a typo from forking thousands.
  minReplicas: z.number().int().min(0).max(MAX_REPLICAS),
  maxReplicas: z.number().int().min(1).max(MAX_REPLICAS),
  /** Invocations per replica per metric window that the policy aims for. */
  targetInvocationsPerReplica: z.number().gt(0).max(1_000_000),
  metricWindowSeconds: z.number().int().min(1).max(HOUR_SECONDS),
  scaleOutCooldownSeconds: z.number().int().min(0).max(DAY_SECONDS),
  scaleInCooldownSeconds: z.number().int().min(0).max(DAY_SECONDS),
  /** How long a request to an endpoint scaled to zero waits for a replica. */
  coldStartTimeoutSeconds: z.number().int().min(1).max(HOUR_SECONDS),
});

const scaling = scalingFieldsSchema.shape;

/** The scaling fields with the endpoint section's defaults; `satisfies` keeps the two sets of keys the same. */
const endpointScalingFields = {
  minReplicas: scaling.minReplicas.default(1).describe('0 scales to zero when idle'),
  maxReplicas: scaling.maxReplicas.default(3),
  targetInvocationsPerReplica: scaling.targetInvocationsPerReplica
    .default(100)
    .describe('per metric window'),
  metricWindowSeconds: scaling.metricWindowSeconds.default(60),
  scaleOutCooldownSeconds: scaling.scaleOutCooldownSeconds.default(60),
  scaleInCooldownSeconds: scaling.scaleInCooldownSeconds.default(300),
  coldStartTimeoutSeconds: scaling.coldStartTimeoutSeconds.default(60),
} satisfies { [K in keyof typeof scaling]: z.ZodDefault<(typeof scaling)[K]> };

export const endpointSchema = z
  .strictObject({
    name: sagemakerName('endpoint').optional().describe('default: the model group'),
    ...endpointScalingFields,
    instanceType: instanceType.default('ml.m5.large').describe('sagemaker backend only'),
    rollbackTimeout: durationSchema
      .refine((text) => (parseDurationMs(text) ?? 0) <= DAY_MS, {
        message: 'is longer than a day',
        params: { fix: 'use at most 24h' },
      })
      .default('1h')
      .describe(
        'how long a rollback may wait for the endpoint to settle (a SageMaker endpoint stays Creating or Updating for minutes)',
      ),
  })
  .superRefine((endpoint, ctx) => {
    if (endpoint.minReplicas > endpoint.maxReplicas) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxReplicas'],
        message: `(${endpoint.maxReplicas}) is below endpoint.minReplicas (${endpoint.minReplicas})`,
        params: { fix: 'raise maxReplicas or lower minReplicas' },
      });
    }
  })
  .describe('hosting and auto scaling');

/** The longest load test, and the most requests it sends (see loadTestSchema). */
const LOAD_TEST_MAX = { seconds: 3600, requests: 5_000_000 };

export const loadPhaseSchema = z
  .strictObject({
    name: plainText(64).optional(),
    durationSeconds: z.number().gt(0).max(3600),
    ratePerSecond: z.number().gt(0).max(100_000),
    toRatePerSecond: z
      .number()
      .gt(0)
      .max(100_000)
      .optional()
      .describe('ramp: rate at the end of the phase'),
    steps: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe('with toRatePerSecond: climb in this many stairs'),
  })
  .superRefine((phase, ctx) => {
    if (phase.steps !== undefined && phase.toRatePerSecond === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['steps'],
        message: 'needs toRatePerSecond: stairs climb from ratePerSecond to toRatePerSecond',
        params: { fix: 'add toRatePerSecond, or remove steps' },
      });
    }
  });

export const sloSchema = z.strictObject({
  latencyP99Ms: z.number().gt(0).max(600_000).describe('p99 latency the endpoint must stay under'),
  maxErrorRate: z
    .number()
    .min(0)
    .max(1)
    .default(0.01)
    .describe('fraction of failed requests tolerated'),
});

export const loadTestSchema = z
  .strictObject({
    arrival: z.enum(['poisson', 'constant']).default('poisson'),
    phases: z.array(loadPhaseSchema).min(1).max(LIST_MAX.phases),
    requestTimeoutMs: z.number().int().min(1).max(300_000).default(5000),
    seed: seed.default(1),
    slo: sloSchema,
  })
  .superRefine((loadTest, ctx) => {
    // The result keeps one timeline point per second and the generator one
    // send time per request: both must fit a workflow's payload and a worker's memory.
    const seconds = loadTest.phases.reduce((sum, phase) => sum + phase.durationSeconds, 0);
    if (seconds > LOAD_TEST_MAX.seconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['phases'],
        message: `last ${seconds} s in all; a load test lasts at most ${LOAD_TEST_MAX.seconds} s`,
        params: {
          fix: 'shorten the phases (a soak test longer than an hour belongs outside the release)',
        },
      });
    }
    const requests = loadTest.phases.reduce(
      (sum, phase) =>
        sum +
        (phase.durationSeconds *
          (phase.ratePerSecond + (phase.toRatePerSecond ?? phase.ratePerSecond))) /
          2,
      0,
    );
    if (requests > LOAD_TEST_MAX.requests) {
      ctx.addIssue({
        code: 'custom',
        path: ['phases'],
        message: `send about ${Math.round(requests).toLocaleString('en-US')} requests; a load test sends at most ${LOAD_TEST_MAX.requests.toLocaleString('en-US')}`,
        params: { fix: 'lower the rates or shorten the phases' },
      });
    }
  })
  .describe('open-loop load against the new endpoint, judged by the SLO');

export const sagemakerSchema = z
  .strictObject({
    region: patternName(32, /^[a-z]{2}(-[a-z]+)+-\d+$/, 'is not an AWS region, such as us-east-1')
      .optional()
      .describe('default: AWS_REGION'),
    // 2048: IAM's limit for an ARN.
    roleArn: patternName(
      2048,
      /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/,
      'must be an IAM role ARN such as arn:aws:iam::123456789012:role/SageMakerExecution',
    ),
    bucket: patternName(63, /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
    prefix: plainText(512).default('ferry'),
    trainingInstanceType: instanceType.default('ml.m5.large'),
    images: z
      .strictObject({
        xgboost: plainText(512).optional(),
        sklearn: plainText(512).optional(),
      })
      .default({})
      .describe("container images; default: SageMaker's XGBoost and scikit-learn framework images"),
  })
  .describe('settings for backend: sagemaker');

export const pipelineSchema = z
  .strictObject({
    name: patternName(
      40,
      /^[a-z0-9][a-z0-9-]*$/,
      'must be lowercase letters, digits or hyphens, starting with a letter or digit',
    ).describe('the pipeline name; part of every run id'),
    backend: z.enum(['local', 'sagemaker']).default('local'),
    dataset: datasetSchema,
    split: splitSchema.default(splitSchema.parse({})),
    candidates: candidatesSchema,
    evaluation: evaluationSchema.default(evaluationSchema.parse({})),
    objective: metricNameSchema.describe('the metric that ranks candidates'),
    gates: gatesSchema.default(gatesSchema.parse({})),
    modelGroup: sagemakerName('model package group'),
    approval: approvalSchema,
    endpoint: endpointSchema.default(endpointSchema.parse({})),
    loadTest: loadTestSchema,
    sagemaker: sagemakerSchema.optional(),
  })
  .describe('A Ferry pipeline: data to a live, load-tested endpoint with a human sign-off');

/** What a user writes (defaults still optional). */
export type PipelineInput = z.input<typeof pipelineSchema>;
/** What the rest of Ferry reads (defaults applied). */
export type PipelineConfig = z.output<typeof pipelineSchema>;
export type HyperparameterValue = z.output<typeof hyperparameterValueSchema>;
export type EvaluationConfig = z.output<typeof evaluationSchema>;
export type LoadPhase = z.output<typeof loadPhaseSchema>;

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
