import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readDataset } from '../src/dataset/read-dataset';
import { SeededRandom } from '../src/shared/seeded-random';

/**
 * A dataset `factor` times as long as `source`, its rows drawn with
 * replacement from the source's by a seeded generator: the same file on
 * every machine, and real rows (not synthetic ones), so parsing, one-hot
 * encoding and training meet the same values they do at 1x. Duplicates
 * land on both sides of the later train/test split, so the larger sizes'
 * metrics flatter the model; what they are for is time.
 */
export async function writeResampledDataset(
  source: string,
  factor: number,
  seed: number,
  file: string,
): Promise<number> {
  const dataset = await readDataset(source);
  const random = new SeededRandom(seed);
  const count = dataset.rows.length * factor;
  const lines = [dataset.headerText];
  for (let i = 0; i < count; i++) lines.push(random.pick(dataset.rows).text);
  await writeFile(file, `${lines.join('\n')}\n`);
  return count;
}

export interface SplitChannels {
  channels: { train: string; validation: string; test: string };
  rows: { train: number; validation: number; test: number };
}

/**
 * A plain seeded split of `file` into the three channels prepareData writes
 * (`<root>/<part>/<part>.csv`), unstratified, with no checks or profile: the
 * stand-in when prepareData itself fails on a size, so that training and
 * evaluation can still be measured there. The report says when it was used.
 */
export async function writePlainSplit(
  file: string,
  root: string,
  fractions: { validation: number; test: number; seed: number },
): Promise<SplitChannels> {
  const dataset = await readDataset(file);
  const order = new SeededRandom(fractions.seed).shuffle(dataset.rows.map((_, i) => i));
  const testCount = Math.round(order.length * fractions.test);
  const validationCount = Math.round(order.length * fractions.validation);
  const parts = {
    test: order.slice(0, testCount),
    validation: order.slice(testCount, testCount + validationCount),
    train: order.slice(testCount + validationCount),
  };
  const channels = {
    train: path.join(root, 'train'),
    validation: path.join(root, 'validation'),
    test: path.join(root, 'test'),
  };
  for (const part of ['train', 'validation', 'test'] as const) {
    const lines = [dataset.headerText];
    for (const i of parts[part]) lines.push(dataset.rows[i]?.text ?? '');
    await mkdir(channels[part], { recursive: true });
    await writeFile(path.join(channels[part], `${part}.csv`), `${lines.join('\n')}\n`);
  }
  return {
    channels,
    rows: {
      train: parts.train.length,
      validation: parts.validation.length,
      test: parts.test.length,
    },
  };
}
