import { writeFile } from 'node:fs/promises';
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
