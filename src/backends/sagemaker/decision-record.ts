import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { chainedTrailEntrySchema } from '../../policy/decision-trail';
import { policyInForceSchema } from '../../policy/policy-in-force';
import { RegistryError } from '../registry';
import { awsCall, isNotFound, translateAwsError } from './aws-errors';
import { parseS3Uri } from './s3-paths';

/**
 * A version's approval policy and decision trail, as one JSON object in S3
 * beside its metrics. They cannot travel with the rest of the version's
 * record: CustomerMetadataProperties hold 50 × 256 characters, and one trail
 * message may be 10,000.
 */
export const decisionRecordSchema = z.strictObject({
  policy: policyInForceSchema.optional(),
  trail: z.array(chainedTrailEntrySchema),
});
export type DecisionRecord = z.infer<typeof decisionRecordSchema>;

/**
 * What the version's record keeps of it: an absolute URI, so reading needs
 * no settings, and the sha256 of the object's bytes, so an object edited in
 * S3 is told apart from one Ferry wrote.
 */
export interface DecisionRecordPointer {
  uri: string;
  sha256: string;
}

/** A decision record ready to write: its bytes, and the pointer to them. */
export interface DecisionRecordObject {
  pointer: DecisionRecordPointer;
  body: string;
}

/**
 * The object for `record` in `folderUri`, named by its own digest. Each
 * change is a new object and the version's record then moves to it: were the
 * object overwritten in place, a worker stopped between the PutObject and the
 * UpdateModelPackage would leave bytes the record's digest does not match,
 * which reads as tampering. A retried write makes the same bytes, hence the
 * same key.
 */
export function decisionRecordObject(
  folderUri: string,
  record: DecisionRecord,
): DecisionRecordObject {
  const body = JSON.stringify(record);
  const sha256 = createHash('sha256').update(body, 'utf8').digest('hex');
  return { pointer: { uri: `${folderUri}/${sha256}.json`, sha256 }, body };
}

/** The folder a pointer's object is in, where the next one goes. */
export function decisionRecordFolder(pointer: DecisionRecordPointer): string {
  return pointer.uri.slice(0, pointer.uri.lastIndexOf('/'));
}

export async function putDecisionRecord(s3: S3Client, object: DecisionRecordObject): Promise<void> {
  const { bucket, key } = parseS3Uri(object.pointer.uri);
  await awsCall('PutObject', object.pointer.uri, () =>
    s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: object.body,
        ContentType: 'application/json',
      }),
    ),
  );
}

/**
 * The decision record a pointer names, after checking its digest. `what`
 * names the version in the errors.
 */
export async function readDecisionRecord(
  s3: S3Client,
  pointer: DecisionRecordPointer,
  what: string,
): Promise<DecisionRecord> {
  const body = await readObjectText(s3, pointer.uri, what);
  const sha256 = createHash('sha256').update(body, 'utf8').digest('hex');
  if (sha256 !== pointer.sha256) {
    throw new RegistryError(
      `${what}: its decision record ${pointer.uri} was changed outside Ferry (its sha256 is ${sha256}, the version's record says ${pointer.sha256}), so its policy and decision trail cannot be trusted. Restore the object's earlier version (S3 versioning) or register the model again`,
    );
  }
  const parsed = decisionRecordSchema.safeParse(JSON.parse(body));
  if (!parsed.success) {
    throw new RegistryError(
      `${what}: its decision record ${pointer.uri} matches its digest but is not a decision record (${parsed.error.message}); register the model again`,
    );
  }
  return parsed.data;
}

async function readObjectText(s3: S3Client, uri: string, what: string): Promise<string> {
  const { bucket, key } = parseS3Uri(uri);
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await object.Body?.transformToString('utf-8')) ?? '';
  } catch (error) {
    if (isNotFound(error)) {
      throw new RegistryError(
        `${what}: its decision record ${uri} is gone (deleted outside Ferry), so its policy and decision trail are lost. Restore the object (S3 versioning) or register the model again`,
      );
    }
    throw translateAwsError(error, 'GetObject', uri);
  }
}
