import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import * as tar from 'tar';
import { makeDirectory } from '../../shared/make-directory';
import { awsCall } from './aws-errors';
import { parseS3Uri, s3Uri } from './s3-paths';

/**
 * Uploads every file of a folder (a SageMaker channel) under a key prefix and
 * returns the prefix's URI. Keys are fixed by the folder's contents, so an
 * upload retried after a crash overwrites the same objects.
 */
export async function uploadFolder(
  s3: S3Client,
  folder: string,
  bucket: string,
  keyPrefix: string,
): Promise<string> {
  const files = (await readdir(folder, { withFileTypes: true })).filter((entry) => entry.isFile());
  for (const file of files) {
    const key = `${keyPrefix}/${file.name}`;
    await awsCall('PutObject', s3Uri(bucket, key), () =>
      s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: createReadStream(path.join(folder, file.name)),
        }),
      ),
    );
  }
  return s3Uri(bucket, `${keyPrefix}/`);
}

/**
 * Packs the files of a model folder as `model.tar.gz` (what SageMaker unpacks
 * into /opt/ml/model) and uploads it to `key`; returns its URI.
 */
export async function uploadModel(
  s3: S3Client,
  folder: string,
  files: string[],
  bucket: string,
  key: string,
): Promise<string> {
  const chunks: Buffer[] = [];
  const stream = tar.create({ cwd: folder, gzip: true, portable: true }, [...files].sort());
  for await (const chunk of stream) chunks.push(chunk);
  const uri = s3Uri(bucket, key);
  await awsCall('PutObject', uri, () =>
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.concat(chunks) })),
  );
  return uri;
}

/**
 * Downloads an object to a file, written whole or not at all. The partial
 * file is this download's own, so two workers sharing a folder (or two
 * activities of one) that fetch the same object cannot interleave their writes.
 */
export async function downloadObject(s3: S3Client, uri: string, file: string): Promise<void> {
  const { bucket, key } = parseS3Uri(uri);
  const response = await awsCall('GetObject', uri, () =>
    s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
  );
  await makeDirectory(path.dirname(file));
  const partial = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
  await pipeline(response.Body as Readable, createWriteStream(partial));
  await rename(partial, file);
}

/**
 * Downloads a `model.tar.gz` and unpacks it into `folder` (emptied first), as
 * a SageMaker container unpacks it into /opt/ml/model.
 */
export async function downloadModel(s3: S3Client, uri: string, folder: string): Promise<void> {
  const archive = `${folder}.tar.gz`;
  await downloadObject(s3, uri, archive);
  await rm(folder, { recursive: true, force: true });
  await makeDirectory(folder);
  await tar.extract({ file: archive, cwd: folder });
  await rm(archive, { force: true });
}
