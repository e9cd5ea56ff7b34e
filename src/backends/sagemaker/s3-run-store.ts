import { createReadStream } from 'node:fs';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { RunStore } from '../run-store';
import type { SageMakerSettings } from '../sagemaker-settings';
import { awsCall } from './aws-errors';
import { downloadObject } from './s3-artifacts';
import { runKey, s3Uri } from './s3-paths';

/** A run's files in the pipeline's bucket, under `<prefix>/runs/<runId>/`, beside its training output. */
export function createS3RunStore(
  s3: S3Client,
  settings: Pick<SageMakerSettings, 'bucket' | 'prefix'>,
): RunStore {
  return {
    async upload(runId, key, file) {
      const objectKey = runKey(settings.prefix, runId, key);
      const uri = s3Uri(settings.bucket, objectKey);
      await awsCall('PutObject', uri, () =>
        s3.send(
          new PutObjectCommand({
            Bucket: settings.bucket,
            Key: objectKey,
            Body: createReadStream(file),
          }),
        ),
      );
      return uri;
    },
    download: (uri, file) => downloadObject(s3, uri, file),
  };
}
