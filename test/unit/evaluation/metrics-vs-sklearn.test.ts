import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { computeMetrics, type MetricInput } from '../../../src/evaluation/metrics';
import { metricsForTask } from '../../../src/evaluation/metric-names';

// The reference is scikit-learn itself, run once for all cases in the
// project's .venv (scripts/setup.sh installs it with the algorithms).
const PYTHON = path.resolve(__dirname, '..', '..', '..', '.venv', 'bin', 'python');
const REFERENCE_SCRIPT = path.join(__dirname, 'sklearn_reference.py');

const RELATIVE_TOLERANCE = 1e-9;
const ABSOLUTE_TOLERANCE = 1e-12;

/** mulberry32: a tiny seeded generator, so every run checks the same cases. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Box-Muller; 1 - u keeps the log away from 0. */
function seededNormal(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function times<T>(count: number, make: (row: number) => T): T[] {
  return Array.from({ length: count }, (_, row) => make(row));
}

interface BinaryOptions {
  rows: number;
  positiveRate: number;
  /** How far apart the classes' scores sit; larger is an easier problem. */
  separation: number;
}

function binaryCase(seed: number, { rows, positiveRate, separation }: BinaryOptions) {
  const random = seededRandom(seed);
  const normal = seededNormal(random);
  const yTrue = times(rows, () => (random() < positiveRate ? 1 : 0));
  const scores = yTrue.map((y) => 1 / (1 + Math.exp(-(separation * (2 * y - 1) + 1.5 * normal()))));
  return { task: 'binary' as const, yTrue, scores };
}

interface MulticlassOptions {
  rows: number;
  classCount: number;
  /** Classes that yTrue draws from (the others are absent from it). */
  trueClasses: number[];
  /** Classes the model all but never predicts (probability ~e^-12 of the others). */
  ignoredClasses?: number[];
}

function multiclassCase(seed: number, options: MulticlassOptions) {
  const { rows, classCount, trueClasses, ignoredClasses = [] } = options;
  const random = seededRandom(seed);
  const normal = seededNormal(random);
  const yTrue = times(rows, () => trueClasses[Math.floor(random() * trueClasses.length)] as number);
  const probabilities = yTrue.map((y) => {
    const logits = times(classCount, (k) =>
      ignoredClasses.includes(k) ? -12 : normal() + (k === y ? 1.5 : 0),
    );
    const exps = logits.map(Math.exp);
    const total = exps.reduce((sum, value) => sum + value, 0);
    return exps.map((value) => value / total);
  });
  return { task: 'multiclass' as const, yTrue, probabilities, classCount };
}

function regressionCase(seed: number, rows: number, truth: (normal: () => number) => number) {
  const normal = seededNormal(seededRandom(seed));
  const yTrue = times(rows, () => truth(normal));
  const yPred = yTrue.map((y) => y + 3 * normal());
  return { task: 'regression' as const, yTrue, yPred };
}

const continuous = binaryCase(1, { rows: 500, positiveRate: 0.4, separation: 1.2 });

// Scores rounded to one decimal: many ties, some exactly 0, 0.5 and 1.
const tied = binaryCase(2, { rows: 600, positiveRate: 0.5, separation: 1 });
tied.scores = tied.scores.map((score) => Math.round(score * 10) / 10);

// Confident predictions: some exactly right (p = y), some exactly wrong
// (p = 1 - y), which log loss only survives through sklearn's clipping.
const extremes = binaryCase(3, { rows: 400, positiveRate: 0.5, separation: 1.5 });
extremes.scores = extremes.scores.map((score, row) => {
  const y = extremes.yTrue[row] as number;
  if (row % 7 === 0) return y;
  if (row % 11 === 0) return 1 - y;
  if (row % 13 === 0) return 0.5;
  return score;
});

// 2,000 rows also takes numpy's pairwise sum past its 128-value blocks.
const imbalanced = binaryCase(4, { rows: 2000, positiveRate: 0.05, separation: 1.5 });

// No score reaches 0.5: nothing is predicted positive, so precision is 0/0.
const noPositivePredicted = binaryCase(5, { rows: 300, positiveRate: 0.3, separation: 1 });
noPositivePredicted.scores = noPositivePredicted.scores.map((score) => 0.05 + 0.4 * score);

const threeClasses = multiclassCase(6, { rows: 300, classCount: 3, trueClasses: [0, 1, 2] });
// Tied maxima (numpy.argmax takes the first) and a zero probability for the
// true class (clipped in log loss).
threeClasses.probabilities = threeClasses.probabilities.map((row, index) => {
  const y = threeClasses.yTrue[index] as number;
  if (index % 13 === 0) return [0.4, 0.4, 0.2];
  if (index % 17 === 0) return [0.2, 0.4, 0.4];
  if (index % 19 === 0) return times(3, (k) => (k === (y + 1) % 3 ? 1 : 0));
  return row;
});

// Class 3 never true but sometimes predicted: it counts in F1 (with F1 0).
const fourClassesOneNeverTrue = multiclassCase(7, {
  rows: 400,
  classCount: 4,
  trueClasses: [0, 1, 2],
});

// Class 1 neither true nor predicted: sklearn's default F1 leaves it out.
const fourClassesOneUnused = multiclassCase(8, {
  rows: 400,
  classCount: 4,
  trueClasses: [0, 2, 3],
  ignoredClasses: [1],
});

const constantTruth = (value: number) => regressionCase(12, 100, () => value);
const exactPredictions = constantTruth(0.1);
exactPredictions.yPred = [...exactPredictions.yTrue];

const cases: { name: string; input: MetricInput }[] = [
  { name: 'binary, continuous scores', input: continuous },
  { name: 'binary, scores tied at one decimal', input: tied },
  { name: 'binary, scores exactly 0 and 1', input: extremes },
  { name: 'binary, 5% positives', input: imbalanced },
  { name: 'binary, no score reaches 0.5', input: noPositivePredicted },
  { name: 'multiclass K=3 with tied maxima and zero probabilities', input: threeClasses },
  { name: 'multiclass K=4, a class never true', input: fourClassesOneNeverTrue },
  { name: 'multiclass K=4, a class neither true nor predicted', input: fourClassesOneUnused },
  { name: 'regression', input: regressionCase(9, 400, (normal) => 50 + 10 * normal()) },
  {
    name: 'regression, 5,000 rows at a large scale',
    input: regressionCase(10, 5000, (normal) => 1e5 + 1e4 * normal()),
  },
  {
    name: 'regression with zeros in yTrue',
    input: regressionCase(11, 300, (normal) => Math.round(2 * normal())),
  },
  // Over 100 rows, the float mean of 2.5s is exactly 2.5 and that of 0.1s
  // is not, so sklearn's R² is 0 for the first and about -8e33 for the second.
  { name: 'regression, constant yTrue 2.5', input: constantTruth(2.5) },
  { name: 'regression, constant yTrue 0.1', input: constantTruth(0.1) },
  { name: 'regression, constant yTrue predicted exactly', input: exactPredictions },
];

type Reference = Record<string, number | string>;

function runScikitLearn(inputs: MetricInput[]): Reference[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-sklearn-'));
  try {
    const casesFile = path.join(dir, 'cases.json');
    writeFileSync(casesFile, JSON.stringify(inputs));
    const run = spawnSync(PYTHON, [REFERENCE_SCRIPT, casesFile], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.error)
      throw new Error(`could not run ${PYTHON}: ${run.error.message}; run npm run setup`);
    if (run.status !== 0) throw new Error(`${REFERENCE_SCRIPT} failed:\n${run.stderr}`);
    return JSON.parse(run.stdout) as Reference[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function decode(value: number | string | undefined): number | undefined {
  return typeof value === 'string' ? Number(value) : value;
}

function isClose(ours: number, theirs: number): boolean {
  if (Number.isNaN(ours) || Number.isNaN(theirs)) return Number.isNaN(ours) && Number.isNaN(theirs);
  if (ours === theirs) return true;
  if (!Number.isFinite(ours) || !Number.isFinite(theirs)) return false;
  const tolerance = Math.max(
    ABSOLUTE_TOLERANCE,
    RELATIVE_TOLERANCE * Math.max(Math.abs(ours), Math.abs(theirs)),
  );
  return Math.abs(ours - theirs) <= tolerance;
}

describe('metrics agree with scikit-learn', () => {
  let reference: Reference[] = [];

  beforeAll(() => {
    reference = runScikitLearn(cases.map((c) => c.input));
  });

  test('the reference answered for every case', () => {
    expect(reference).toHaveLength(cases.length);
  });

  test.each(cases.map((c, index) => [c.name, index] as const))('%s', (name, index) => {
    const { input } = cases[index] as (typeof cases)[number];
    const ours = computeMetrics(input);
    const theirs = reference[index] ?? {};
    expect(Object.keys(ours).sort()).toEqual([...metricsForTask(input.task)].sort());
    expect(Object.keys(theirs).sort()).toEqual([...metricsForTask(input.task)].sort());

    const differences = metricsForTask(input.task).flatMap((metric) => {
      const mine = ours[metric];
      const expected = decode(theirs[metric]);
      if (mine !== undefined && expected !== undefined && isClose(mine, expected)) return [];
      const relative =
        mine !== undefined && expected !== undefined
          ? Math.abs(mine - expected) / Math.abs(expected)
          : NaN;
      return [
        `${name} / ${metric}: ferry ${mine}, sklearn ${expected} (relative difference ${relative})`,
      ];
    });
    expect(differences).toEqual([]);
  });
});
