import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JobInputError, type Predictions } from '../../src/backends/trainer';
import { trainPenguinsModel, type TrainedPenguins } from '../fixtures/trained-model';

const controls = { signal: new AbortController().signal, onProgress: () => undefined };
type ClassPredictions = Extract<Predictions, { classes: string[] }>;

let dir: string;
let penguins: TrainedPenguins;
let forestDir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-ensemble-model-'));
  penguins = await trainPenguinsModel(dir);
  const forest = await penguins.trainer.train(
    {
      jobName: 'fixture-forest',
      runId: 'fixture',
      algorithm: 'random-forest',
      task: 'multiclass',
      target: 'species',
      hyperparameters: { n_estimators: 10, max_depth: 2 },
      seed: 0,
      channels: { train: penguins.prepared.channels.train },
      channelSet: 'holdout',
      workDir: path.join(dir, 'forest'),
      threads: 1,
    },
    controls,
  );
  forestDir = forest.modelDir;
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function predict(algorithm: string, modelDir: string, name: string) {
  return (await penguins.trainer.predict(
    {
      jobName: name,
      algorithm,
      modelDir,
      inputFile: path.join(penguins.prepared.channels.test, 'test.csv'),
      workDir: path.join(dir, `predict-${name}`),
    },
    controls,
  )) as ClassPredictions;
}

describe('an ensemble model (algorithms/ensemble, ferry_tabular.WeightedEnsemble)', () => {
  test("predicts through the shared inference functions the weighted mean of its members' probabilities", async () => {
    const built = await penguins.trainer.buildEnsemble(
      {
        jobName: 'fixture-ensemble',
        runId: 'fixture',
        members: [
          { id: 'linear', modelDir: penguins.modelDir, weight: 0.25 },
          { id: 'forest', modelDir: forestDir, weight: 0.75 },
        ],
        workDir: path.join(dir, 'ensemble'),
      },
      controls,
    );
    const [ensemble, linear, forest] = await Promise.all([
      predict('ensemble', built.modelDir, 'ensemble'),
      predict('linear', penguins.modelDir, 'linear'),
      predict('random-forest', forestDir, 'forest'),
    ]);
    expect(ensemble.classes).toEqual(linear.classes);
    expect(ensemble.probabilities.length).toBeGreaterThan(40);
    let differsFromBoth = false;
    ensemble.probabilities.forEach((row, i) => {
      row.forEach((value, k) => {
        const a = linear.probabilities[i]?.[k] ?? Number.NaN;
        const b = forest.probabilities[i]?.[k] ?? Number.NaN;
        expect(value).toBeCloseTo(0.25 * a + 0.75 * b, 12);
        if (Math.abs(value - a) > 1e-6 && Math.abs(value - b) > 1e-6) differsFromBoth = true;
      });
    });
    expect(differsFromBoth).toBe(true);
    // Labels are the argmax of the blended probabilities, not either member's.
    const argmax = ensemble.probabilities.map((row) => row.indexOf(Math.max(...row)));
    expect(ensemble.labels).toEqual(argmax.map((k) => ensemble.classes[k]));
  }, 120_000);

  test('refuses weights that do not sum to 1, as bad input', async () => {
    await expect(
      penguins.trainer.buildEnsemble(
        {
          jobName: 'fixture-bad-weights',
          runId: 'fixture',
          members: [
            { id: 'linear', modelDir: penguins.modelDir, weight: 0.5 },
            { id: 'forest', modelDir: forestDir, weight: 0.6 },
          ],
          workDir: path.join(dir, 'bad-weights'),
        },
        controls,
      ),
    ).rejects.toThrow(JobInputError);
  });

  test('refuses a member folder without a model, naming the member', async () => {
    await expect(
      penguins.trainer.buildEnsemble(
        {
          jobName: 'fixture-missing',
          runId: 'fixture',
          members: [
            { id: 'linear', modelDir: penguins.modelDir, weight: 0.5 },
            { id: 'c09', modelDir: path.join(dir, 'nowhere'), weight: 0.5 },
          ],
          workDir: path.join(dir, 'missing'),
        },
        controls,
      ),
    ).rejects.toThrow(/member c09: .*model\.joblib does not exist/);
  });
});
