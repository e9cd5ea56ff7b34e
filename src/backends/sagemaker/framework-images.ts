import { ApplicationFailure } from '@temporalio/common';
import { FAILURE } from '../../shared/failure-types';

/** SageMaker's framework containers that run Ferry's scripts unchanged (script mode). */
export type Framework = 'xgboost' | 'sklearn';

/**
 * XGBoost runs in the XGBoost container; the scikit-learn models in the
 * scikit-learn one. An ensemble is served by the XGBoost container: its
 * members may be XGBoost models, and that image has scikit-learn and pandas
 * too, so it can load every member.
 */
function frameworkOf(algorithm: string): Framework {
  return algorithm === 'xgboost' || algorithm === 'ensemble' ? 'xgboost' : 'sklearn';
}

const REPOSITORIES: Record<Framework, string> = {
  xgboost: 'sagemaker-xgboost:1.7-1',
  sklearn: 'sagemaker-scikit-learn:1.4-2',
};

/**
 * The AWS accounts that publish the framework images in each region (both
 * frameworks use the same ones), as the SageMaker Python SDK's image table
 * lists them. A region missing here needs `sagemaker.images` in the pipeline.
 */
const IMAGE_ACCOUNTS: Record<string, string> = {
  'ap-northeast-1': '354813040037',
  'ap-northeast-2': '366743142698',
  'ap-south-1': '720646828776',
  'ap-southeast-1': '121021644041',
  'ap-southeast-2': '783357654285',
  'ca-central-1': '341280168497',
  'eu-central-1': '492215442770',
  'eu-north-1': '662702820516',
  'eu-west-1': '141502667606',
  'eu-west-2': '764974769150',
  'eu-west-3': '659782779980',
  'sa-east-1': '737474898029',
  'us-east-1': '683313688378',
  'us-east-2': '257758044811',
  'us-west-1': '746614075791',
  'us-west-2': '246618743249',
};

/** The container image for an algorithm: the pipeline's own choice, or the framework image of the region. */
export function frameworkImage(
  algorithm: string,
  region: string,
  images: Partial<Record<Framework, string>> = {},
): string {
  const framework = frameworkOf(algorithm);
  const chosen = images[framework];
  if (chosen) return chosen;
  const account = IMAGE_ACCOUNTS[region];
  if (!account) {
    throw ApplicationFailure.nonRetryable(
      `no ${framework} framework image is known for region ${region}; set sagemaker.images.${framework} in the pipeline to the image URI for that region`,
      FAILURE.sageMakerRefused,
    );
  }
  return `${account}.dkr.ecr.${region}.amazonaws.com/${REPOSITORIES[framework]}`;
}
