import { RegistryError, type Deployment, type Lineage, type StatusChange } from '../registry';
import type { DecisionRecordPointer } from './decision-record';

/** What Ferry keeps about a version in its model package's CustomerMetadataProperties. */
export interface VersionRecord {
  lineage: Lineage;
  metrics: Record<string, number>;
  tags: Record<string, string>;
  registeredBy: string;
  statusHistory: StatusChange[];
  deployments: Deployment[];
  /**
   * Where its policy and decision trail are (an S3 object, as they would not
   * fit here); absent on versions registered before Ferry kept them.
   */
  decisionRecord?: DecisionRecordPointer;
}

/**
 * SageMaker's limits on CustomerMetadataProperties (API reference,
 * CustomerMetadataMap): at most 50 entries, keys up to 128 characters, values
 * up to 256, and both only letters, digits, spaces and `_.:/=+-@`. JSON's
 * braces and quotes are outside that set, so the record travels as base64url
 * (letters, digits, `-`, `_`) cut into 256-character values.
 */
export const METADATA_MAX_ENTRIES = 50;
export const METADATA_VALUE_MAX_CHARS = 256;

const COUNT_KEY = 'ferry:chunks';
const chunkKey = (index: number): string => `ferry:${index}`;
/** One entry holds the chunk count; the rest hold the record. */
const MAX_CHUNKS = METADATA_MAX_ENTRIES - 1;

/**
 * The record as metadata entries. A record only grows (history is appended,
 * never removed), so on real SageMaker, which merges the map on update, no
 * stale chunk outlives a rewrite; the count key says how many to read anyway.
 * Throws a RegistryError naming `what` when the record would not fit, rather
 * than dropping history.
 */
export function encodeVersionRecord(record: VersionRecord, what: string): Record<string, string> {
  const encoded = Buffer.from(JSON.stringify(record), 'utf8').toString('base64url');
  const chunkCount = Math.max(1, Math.ceil(encoded.length / METADATA_VALUE_MAX_CHARS));
  if (chunkCount > MAX_CHUNKS) {
    throw new RegistryError(
      `${what}: its registry record (lineage, metrics, tags, ${record.statusHistory.length} status changes, ${record.deployments.length} deployments) needs ${chunkCount + 1} customer metadata entries, and SageMaker allows ${METADATA_MAX_ENTRIES} per model package; nothing was changed. Register a new version instead of adding more history to this one, or use shorter reasons, details and tags`,
    );
  }
  const entries: Record<string, string> = { [COUNT_KEY]: String(chunkCount) };
  for (let index = 0; index < chunkCount; index++) {
    const start = index * METADATA_VALUE_MAX_CHARS;
    entries[chunkKey(index)] = encoded.slice(start, start + METADATA_VALUE_MAX_CHARS);
  }
  return entries;
}

/** The record back, or undefined for a package Ferry did not register (no count key). */
export function decodeVersionRecord(
  entries: Record<string, string> | undefined,
  what: string,
): VersionRecord | undefined {
  const count = entries?.[COUNT_KEY];
  if (entries === undefined || count === undefined) return undefined;
  const chunkCount = Number(count);
  const chunks: string[] = [];
  for (let index = 0; index < chunkCount; index++) {
    const chunk = entries[chunkKey(index)];
    if (chunk === undefined) {
      throw new RegistryError(
        `${what}: its Ferry metadata lacks entry ${chunkKey(index)} of ${chunkCount}; someone edited the model package's CustomerMetadataProperties. Restore the entry or register the model again`,
      );
    }
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.from(chunks.join(''), 'base64url').toString('utf8')) as VersionRecord;
  } catch (error) {
    throw new RegistryError(
      `${what}: its Ferry metadata does not decode (${String(error)}); someone edited the model package's CustomerMetadataProperties. Register the model again`,
    );
  }
}
