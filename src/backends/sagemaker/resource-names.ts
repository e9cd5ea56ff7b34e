import { createHash } from 'node:crypto';

/** SageMaker's limit for job, model, endpoint and config names. */
const SAGEMAKER_NAME_MAX = 63;

/**
 * A SageMaker resource name derived from a run and step
 * (`<runId>-c07`, `<runId>-deploy`), so a retried activity finds what its
 * earlier attempt made. Names past 63 characters, or with characters
 * SageMaker refuses, keep a readable head and end in a hash of the whole,
 * so two long names stay distinct.
 */
export function sagemakerName(...parts: string[]): string {
  const whole = parts.join('-');
  const cleaned = whole
    .replace(/[^a-zA-Z0-9-]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  if (cleaned === whole && whole.length <= SAGEMAKER_NAME_MAX) return whole;
  const hash = createHash('sha256').update(whole).digest('hex').slice(0, 10);
  const head = cleaned.slice(0, SAGEMAKER_NAME_MAX - hash.length - 1).replace(/-+$/, '');
  return `${head}-${hash}`;
}
