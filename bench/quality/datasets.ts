import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readDataset } from '../../src/dataset/read-dataset';
import type { MetricName, Task } from '../../src/evaluation/metric-names';
import { SeededRandom } from '../../src/shared/seeded-random';
import { SHARED_DATA_DIR } from '../../test/fixtures/pipelines';

export interface QualityDataset {
  name: string;
  file: string;
  target: string;
  task: Task;
  positiveClass?: string;
  /** The objective for this dataset: what ranks the candidates and what is compared. */
  objective: MetricName;
}

/** ../shared/data/README.md's four datasets, by file name. */
export const QUALITY_DATASETS: readonly QualityDataset[] = [
  {
    name: 'ames',
    file: 'ames.csv',
    target: 'Sale_Price',
    task: 'regression',
    objective: 'rmse',
  },
  {
    name: 'hpc_data',
    file: 'hpc_data.csv',
    target: 'class',
    task: 'multiclass',
    objective: 'log_loss',
  },
  {
    name: 'penguins',
    file: 'penguins.csv',
    target: 'species',
    task: 'multiclass',
    objective: 'log_loss',
  },
  {
    name: 'wa_churn',
    file: 'wa_churn.csv',
    target: 'churn',
    task: 'binary',
    positiveClass: 'Yes',
    objective: 'roc_auc',
  },
];

/** The share of rows the run never sees, scored once per model at the end. */
export const HELD_BACK_FRACTION = 0.25;

export interface HeldBackSplit {
  /** The 75% the run (and the defaults) learn from: a CSV with the source's header. */
  learnFile: string;
  /** The folder holding learnFile alone: a training channel (train.py reads every CSV in it). */
  learnChannel: string;
  /** The 25% held back, with the target column (batch_predict.py ignores it). */
  heldBackFile: string;
  learnRows: number;
  /** The held-back rows' target values, in file order. */
  heldBackTruth: string[];
}

/**
 * Holds back HELD_BACK_FRACTION of the dataset's rows, seeded, stratified by
 * class for classification (each class loses the same share, so a rare
 * class is scored too), and writes both parts under `dir` (one folder per dataset) with the rows'
 * original text. Rows without a target (none in these files) are left out
 * of both: the run drops them, and they cannot be scored.
 */
export async function holdBack(
  dataset: QualityDataset,
  dir: string,
  seed: number,
): Promise<HeldBackSplit> {
  const source = await readDataset(path.join(SHARED_DATA_DIR, dataset.file));
  const column = source.header.indexOf(dataset.target);
  if (column === -1) throw new Error(`quality: ${dataset.file} has no column '${dataset.target}'`);
  const labelOf = (index: number) => (source.rows[index]?.fields[column] ?? '').trim();
  const strata = new Map<string, number[]>();
  source.rows.forEach((_, index) => {
    const label = labelOf(index);
    if (label === '') return;
    const key = dataset.task === 'regression' ? '' : label;
    const stratum = strata.get(key) ?? [];
    stratum.push(index);
    strata.set(key, stratum);
  });
  const random = new SeededRandom(seed);
  const heldBack = new Set<number>();
  for (const key of [...strata.keys()].sort()) {
    const rows = random.shuffle(strata.get(key) ?? []);
    rows.slice(0, Math.round(rows.length * HELD_BACK_FRACTION)).forEach((i) => heldBack.add(i));
  }
  const learn: number[] = [];
  const back: number[] = [];
  for (const indices of strata.values())
    for (const index of indices) (heldBack.has(index) ? back : learn).push(index);
  learn.sort((a, b) => a - b);
  back.sort((a, b) => a - b);
  const learnChannel = path.join(dir, 'learn');
  await mkdir(learnChannel, { recursive: true });
  const learnFile = path.join(learnChannel, `${dataset.name}.csv`);
  const heldBackFile = path.join(dir, `${dataset.name}-held-back.csv`);
  const csv = (indices: number[]) =>
    `${[source.headerText, ...indices.map((i) => source.rows[i]?.text ?? '')].join('\n')}\n`;
  await Promise.all([writeFile(learnFile, csv(learn)), writeFile(heldBackFile, csv(back))]);
  return {
    learnFile,
    learnChannel,
    heldBackFile,
    learnRows: learn.length,
    heldBackTruth: back.map(labelOf),
  };
}
