import type {
  CreateTrainingJobCommandInput,
  TrainingInstanceType,
} from '@aws-sdk/client-sagemaker';
import type { Task } from '../../evaluation/metric-names';
import type { TrainingJob } from '../trainer';
import { frameworkImage } from './framework-images';
import type { SageMakerSettings } from '../sagemaker-settings';

/** The validation metrics train.py prints, by task (algorithms/README.md). */
const VALIDATION_METRICS: Record<Task, string[]> = {
  binary: ['roc_auc', 'log_loss', 'accuracy'],
  multiclass: ['accuracy', 'log_loss', 'f1_macro'],
  regression: ['rmse', 'mae', 'r2'],
};

/** What train.py prints after early stopping: the rounds it kept. */
export const FITTED_ROUNDS_METRIC = 'train:fitted_rounds';

/** SageMaker caps a job's run time; the activity's own timeout (candidates.trainingTimeout) ends it sooner. */
const MAX_RUNTIME_SECONDS = 24 * 3600;

export interface TrainingJobLocations {
  sourceBundle: string;
  channels: { train: string; validation?: string };
  outputPath: string;
}

/**
 * CreateTrainingJob for one candidate in script mode: the framework container
 * runs `train.py` from the source bundle with the hyperparameters as
 * `--name value` arguments. Script mode reads every hyperparameter as JSON,
 * so strings are JSON-quoted, as the SageMaker Python SDK sends them.
 */
export function trainingJobRequest(
  name: string,
  job: TrainingJob,
  settings: SageMakerSettings,
  region: string,
  where: TrainingJobLocations,
): CreateTrainingJobCommandInput {
  const scriptArguments: Record<string, string | number> = {
    target: job.target,
    task: job.task,
    seed: job.seed,
    ...(job.positiveClass !== undefined ? { positive_class: job.positiveClass } : {}),
    ...job.hyperparameters,
  };
  const hyperParameters = Object.fromEntries(
    Object.entries({
      ...scriptArguments,
      sagemaker_program: 'train.py',
      sagemaker_submit_directory: where.sourceBundle,
      sagemaker_region: region,
    }).map(([key, value]) => [key, JSON.stringify(value)]),
  );
  return {
    TrainingJobName: name,
    RoleArn: settings.roleArn,
    AlgorithmSpecification: {
      TrainingImage: frameworkImage(job.algorithm, region, settings.images),
      TrainingInputMode: 'File',
      MetricDefinitions: [
        ...VALIDATION_METRICS[job.task].map((metric) => ({
          Name: `validation:${metric}`,
          Regex: `\\[ferry\\] metric validation:${metric}=([-+0-9.eE]+)`,
        })),
        {
          Name: FITTED_ROUNDS_METRIC,
          Regex: `\\[ferry\\] metric ${FITTED_ROUNDS_METRIC}=([0-9]+)`,
        },
      ],
    },
    HyperParameters: hyperParameters,
    InputDataConfig: Object.entries(where.channels).flatMap(([channel, uri]) =>
      uri === undefined
        ? []
        : [
            {
              ChannelName: channel,
              ContentType: 'text/csv',
              DataSource: {
                S3DataSource: {
                  S3DataType: 'S3Prefix',
                  S3Uri: uri,
                  S3DataDistributionType: 'FullyReplicated',
                },
              },
            },
          ],
    ),
    OutputDataConfig: { S3OutputPath: where.outputPath },
    ResourceConfig: {
      // The SDK lists today's instance types; a newer one the pipeline names is passed on as it is.
      InstanceType: settings.trainingInstanceType as TrainingInstanceType,
      InstanceCount: 1,
      VolumeSizeInGB: 30,
    },
    StoppingCondition: { MaxRuntimeInSeconds: MAX_RUNTIME_SECONDS },
    Tags: [
      { Key: 'ferry:job', Value: job.jobName },
      { Key: 'ferry:algorithm', Value: job.algorithm },
    ],
  };
}
