import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ApplicationFailure, log } from '@temporalio/activity';
import type { PrepareDataInput, PreparedData } from '../workflows/definitions';
import { profileDataset } from '../dataset/profile-dataset';
import { readDataset, type DatasetRow, type ReadOptions } from '../dataset/read-dataset';
import { workerDataRoots } from '../dataset/data-roots';
import { readDatasetLimits } from '../dataset/dataset-limits';
import { assignFolds, splitRows } from '../dataset/split-dataset';
import { chooseProtocol } from '../evaluation/protocol';
import { inspectTarget } from '../dataset/target';
import { writeFileAtomic } from '../shared/atomic-write';
import { dataDir } from './artifact-paths';
import type { BackendResolver } from '../backends/backend-resolver';
import { FAILURE } from '../shared/failure-types';
import type { RunFiles } from './run-files';

/**
 * prepareData: reads the dataset, checks it suits the task, splits it
 * (stratified for classification) and writes the parts as SageMaker
 * channels: train, validation and test; train + validation together, for
 * the chosen model's refit; and, under cross-validation, each fold's train
 * and held-out part. Deterministic from the seed, so a retry writes the
 * same files.
 *
 * The worker reads a local dataset under the rules the CLI and the API
 * check (src/dataset/dataset-file.ts), whoever started the run: inside
 * FERRY_DATA_ROOTS when its environment sets them (data-roots.ts says why
 * not otherwise), a regular file, bounded by FERRY_MAX_DATASET_BYTES and
 * FERRY_DATASET_READ_TIMEOUT_MS.
 *
 * On a backend with a store (SageMaker), the channels are uploaded under the
 * run's prefix and returned as S3 prefixes, so a training or an evaluation
 * on any worker reads the same rows; locally they stay folders of this machine.
 */
export function createPrepareData(
  artifactsRoot: string,
  backends?: BackendResolver,
  env: NodeJS.ProcessEnv = process.env,
  files?: RunFiles,
) {
  const rules: ReadOptions = { roots: workerDataRoots(env), limits: readDatasetLimits(env) };
  return async function prepareData(input: PrepareDataInput): Promise<PreparedData> {
    const { dataset: source, split, evaluation } = input;
    const dataset = source.path.startsWith('s3://')
      ? // A copy in the run's own folder, which no data root holds.
        await readDataset(await localCopy(source.path, input, artifactsRoot, backends), {
          limits: rules.limits,
        })
      : await readDataset(source.path, rules);
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
    const protocol = chooseProtocol(
      evaluation,
      { train: parts.train.length, validation: parts.validation.length },
      dataset.header.length - 1,
    );
    const trainValidation = [...parts.train, ...parts.validation].sort((a, b) => a - b);
    await nextTurn();

    const root = dataDir(artifactsRoot, input.runId);
    const channels = {
      train: path.join(root, 'train'),
      validation: path.join(root, 'validation'),
      test: path.join(root, 'test'),
      trainValidation: path.join(root, 'train-validation'),
    };
    const write = async (folder: string, file: string, indices: number[]) => {
      await nextTurn();
      await writeFileAtomic(
        path.join(folder, file),
        toCsv(
          dataset.headerText,
          indices.map((i) => labelled[i] as DatasetRow),
        ),
      );
    };
    await Promise.all([
      write(channels.train, 'train.csv', parts.train),
      write(channels.validation, 'validation.csv', parts.validation),
      write(channels.test, 'test.csv', parts.test),
      write(channels.trainValidation, 'train.csv', trainValidation),
    ]);
    const folds =
      protocol.method === 'cv'
        ? assignFolds(
            trainValidation,
            protocol.folds,
            split.seed,
            strata && ((i) => strata[i] ?? ''),
          )
        : [];
    const foldChannels = folds.map((_, k) => ({
      train: path.join(root, 'folds', String(k + 1), 'train'),
      validation: path.join(root, 'folds', String(k + 1), 'validation'),
    }));
    for (const [k, heldOut] of folds.entries()) {
      const held = new Set(heldOut);
      const fold = foldChannels[k] as (typeof foldChannels)[number];
      await write(
        fold.train,
        'train.csv',
        trainValidation.filter((i) => !held.has(i)),
      );
      await write(fold.validation, 'validation.csv', heldOut);
    }

    const profile = await profileDataset(dataset, target.column, isClassification);
    const kept = files
      ? await keepChannels(files, input, root, channels, foldChannels)
      : { channels, folds: foldChannels };
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
      channels: kept.channels,
      folds: kept.folds,
      protocol,
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

/** Every channel's file uploaded at `data/<its folder>/<file>`; the channels become their S3 prefixes. */
async function keepChannels(
  files: RunFiles,
  input: PrepareDataInput,
  root: string,
  channels: PreparedData['channels'],
  folds: PreparedData['folds'],
): Promise<Pick<PreparedData, 'channels' | 'folds'>> {
  if (!files.isStored(input.backend)) return { channels, folds };
  const keep = async (folder: string, file: string): Promise<string> => {
    const key = path.posix.join('data', ...path.relative(root, folder).split(path.sep), file);
    const uri = await files.keep(input.runId, key, path.join(folder, file), input.backend);
    return uri.slice(0, uri.length - file.length);
  };
  const stored = {
    train: await keep(channels.train, 'train.csv'),
    validation: await keep(channels.validation, 'validation.csv'),
    test: await keep(channels.test, 'test.csv'),
    trainValidation: await keep(channels.trainValidation, 'train.csv'),
  };
  const storedFolds = [];
  for (const fold of folds) {
    storedFolds.push({
      train: await keep(fold.train, 'train.csv'),
      validation: await keep(fold.validation, 'validation.csv'),
    });
  }
  return { channels: stored, folds: storedFolds };
}

function toCsv(headerText: string, rows: DatasetRow[]): string {
  return `${[headerText, ...rows.map((row) => row.text)].join('\n')}\n`;
}

/** A dataset in S3 is read from a copy under the run's folder. */
async function localCopy(
  location: string,
  input: PrepareDataInput,
  artifactsRoot: string,
  backends: BackendResolver | undefined,
): Promise<string> {
  const store = backends?.of(input.backend).store;
  if (!store) {
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
  await store.download(location, file);
  return file;
}
