import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ApplicationFailure, log } from '@temporalio/activity';
import type { PrepareDataInput, PreparedData } from '../workflows/definitions';
import { profileDataset } from '../dataset/profile-dataset';
import { readDataset, type DatasetRow } from '../dataset/read-dataset';
import { splitRows } from '../dataset/split-dataset';
import { inspectTarget } from '../dataset/target';
import { writeFileAtomic } from '../shared/atomic-write';
import { dataDir } from './artifact-paths';
import type { BackendResolver } from '../backends/backend-resolver';
import { FAILURE } from '../shared/failure-types';

/**
 * prepareData: reads the dataset, checks it suits the task, splits it
 * (stratified for classification) and writes the three parts as SageMaker
 * channels. Deterministic from the seed, so a retry writes the same files.
 */
export function createPrepareData(artifactsRoot: string, backends?: BackendResolver) {
  return async function prepareData(input: PrepareDataInput): Promise<PreparedData> {
    const { dataset: source, split } = input;
    const dataset = await readDataset(await localCopy(source.path, input, artifactsRoot, backends));
    const target = inspectTarget(dataset, source.target, source.task, source.positiveClass);
    // Each step below is up to half a second on 700,000 rows; the worker's other
    // activities (and their heartbeats) get a turn between them.
    await nextTurn();
    const labelled = dataset.rows.filter((row) => (row.fields[target.column] ?? '').trim() !== '');
    const isClassification = source.task !== 'regression';
    const shouldStratify = split.stratify ?? isClassification;
    const strata = shouldStratify
      ? labelled.map((row) => (row.fields[target.column] ?? '').trim())
      : undefined;
    const parts = splitRows(labelled.length, split, strata);
    await nextTurn();

    const root = dataDir(artifactsRoot, input.runId);
    const channels = {
      train: path.join(root, 'train'),
      validation: path.join(root, 'validation'),
      test: path.join(root, 'test'),
    };
    const write = async (part: keyof typeof channels, indices: number[]) => {
      await nextTurn();
      await writeFileAtomic(
        path.join(channels[part], `${part}.csv`),
        toCsv(
          dataset.headerText,
          indices.map((i) => labelled[i] as DatasetRow),
        ),
      );
    };
    await Promise.all([
      write('train', parts.train),
      write('validation', parts.validation),
      write('test', parts.test),
    ]);

    const profile = await profileDataset(dataset, target.column, isClassification);
    await writeFileAtomic(
      path.join(root, 'profile.json'),
      `${JSON.stringify({ fingerprint: dataset.fingerprint, profile }, null, 2)}\n`,
    );
    log.info('dataset prepared', {
      runId: input.runId,
      rows: labelled.length,
      fingerprint: dataset.fingerprint,
    });
    return {
      fingerprint: dataset.fingerprint,
      channels,
      rows: {
        train: parts.train.length,
        validation: parts.validation.length,
        test: parts.test.length,
        withoutTarget: target.rowsWithoutTarget,
      },
      classes: target.classes,
      profile,
    };
  };
}

function toCsv(headerText: string, rows: DatasetRow[]): string {
  return `${[headerText, ...rows.map((row) => row.text)].join('\n')}\n`;
}

/** A dataset in S3 is read from a copy under the run's folder; a local path as it is. */
async function localCopy(
  location: string,
  input: PrepareDataInput,
  artifactsRoot: string,
  backends: BackendResolver | undefined,
): Promise<string> {
  if (!location.startsWith('s3://')) return location;
  const fetchDataset = backends?.of(input.backend).fetchDataset;
  if (!fetchDataset) {
    throw ApplicationFailure.nonRetryable(
      `dataset.path ${location} is in S3, which the local backend cannot read; use a local CSV file, or set backend: sagemaker`,
      FAILURE.dataset,
    );
  }
  const file = path.join(
    dataDir(artifactsRoot, input.runId),
    'source',
    path.posix.basename(location),
  );
  await fetchDataset(location, file);
  return file;
}
