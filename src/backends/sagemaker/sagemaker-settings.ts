/**
 * What the SageMaker backend needs to know about an account, from a
 * pipeline's `sagemaker:` section. None of it is secret: credentials come
 * from the worker's environment (the AWS SDK's default chain), never from a
 * pipeline file or workflow history.
 */
export interface SageMakerSettings {
  /** Region of every resource; unset means the worker's AWS_REGION. */
  region?: string;
  /** The execution role SageMaker assumes for training and hosting. */
  roleArn: string;
  bucket: string;
  /** Key prefix under which every run keeps its artifacts: `s3://<bucket>/<prefix>/<run>/...`. */
  prefix: string;
  trainingInstanceType: string;
  endpointInstanceType: string;
}
