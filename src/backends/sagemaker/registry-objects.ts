import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Lineage, RegisterVersionInput } from '../registry';
import type { SageMakerSettings } from '../sagemaker-settings';
import { awsCall } from './aws-errors';
import { runKey, s3Uri } from './s3-paths';

/*
 * Where a registered version's objects go in S3: under its run's registry
 * folder, named by the candidate, so a retried registration writes the same
 * keys. The package's record holds their absolute URIs, so reading them
 * needs no settings.
 */

/** The metrics as a JSON object in S3, which the package's model-quality statistics point at. */
export async function uploadMetrics(
  s3: S3Client,
  settings: SageMakerSettings,
  input: RegisterVersionInput,
): Promise<string> {
  const { runId, candidateId } = input.lineage;
  const key = runKey(settings.prefix, runId, 'registry', `${candidateId}-metrics.json`);
  const body = JSON.stringify({ group: input.group, runId, candidateId, metrics: input.metrics });
  await awsCall('PutObject', s3Uri(settings.bucket, key), () =>
    s3.send(
      new PutObjectCommand({
        Bucket: settings.bucket,
        Key: key,
        Body: body,
        ContentType: 'application/json',
      }),
    ),
  );
  return s3Uri(settings.bucket, key);
}

/** The folder of a version's decision records (decision-record.ts), beside its metrics. */
export function decisionRecordsFolder(settings: SageMakerSettings, lineage: Lineage): string {
  return s3Uri(
    settings.bucket,
    runKey(settings.prefix, lineage.runId, 'registry', `${lineage.candidateId}-decision-records`),
  );
}
