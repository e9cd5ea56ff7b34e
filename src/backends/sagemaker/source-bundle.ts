import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import * as tar from 'tar';
import { algorithmDir, COMMON_DIR } from '../../python/python-paths';
import { awsCall, isNotFound } from './aws-errors';
import { s3Uri } from './s3-paths';

/** The files of one algorithm that SageMaker's script mode runs: entry point, inference functions, shared module. */
const SCRIPT_FILES = ['train.py', 'inference.py'];
const SHARED_MODULE = 'ferry_tabular.py';

/** An ensemble is built on the worker, never in a training job: its bundle only serves. */
function scriptFiles(algorithm: string): string[] {
  return algorithm === 'ensemble' ? ['inference.py'] : SCRIPT_FILES;
}

/**
 * `sourcedir.tar.gz` for an algorithm, as SageMaker's framework containers
 * take it (SAGEMAKER_SUBMIT_DIRECTORY): the algorithm's scripts with the
 * shared module beside them. Built the same way every time (fixed times and
 * order), so its key can be its content hash and an upload is idempotent.
 */
async function buildSourceBundle(algorithm: string): Promise<Buffer> {
  const staging = await mkdtemp(path.join(tmpdir(), 'ferry-sourcedir-'));
  try {
    const files = scriptFiles(algorithm);
    await Promise.all([
      ...files.map((file) =>
        copyFile(path.join(algorithmDir(algorithm), file), path.join(staging, file)),
      ),
      copyFile(path.join(COMMON_DIR, SHARED_MODULE), path.join(staging, SHARED_MODULE)),
    ]);
    const chunks: Buffer[] = [];
    const stream = tar.create(
      { cwd: staging, gzip: true, portable: true, mtime: new Date(0), noDirRecurse: true },
      [...files, SHARED_MODULE].sort(),
    );
    for await (const chunk of stream) chunks.push(chunk);
    return Buffer.concat(chunks);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Uploads the algorithm's bundle under `<prefix>/code/` unless an identical
 * one is there, and returns its S3 URI. Training and hosting both call this,
 * so an endpoint runs the inference code its model was trained with.
 */
export async function ensureSourceBundle(
  s3: S3Client,
  location: { bucket: string; prefix: string },
  algorithm: string,
): Promise<string> {
  const bundle = await buildSourceBundle(algorithm);
  const digest = createHash('sha256').update(bundle).digest('hex').slice(0, 16);
  const key = `${location.prefix}/code/${algorithm}-${digest}/sourcedir.tar.gz`;
  const exists = await s3
    .send(new HeadObjectCommand({ Bucket: location.bucket, Key: key }))
    .then(() => true)
    .catch((error: unknown) => {
      if (isNotFound(error)) return false;
      throw error;
    });
  if (!exists) {
    await awsCall('PutObject', s3Uri(location.bucket, key), () =>
      s3.send(new PutObjectCommand({ Bucket: location.bucket, Key: key, Body: bundle })),
    );
  }
  return s3Uri(location.bucket, key);
}
