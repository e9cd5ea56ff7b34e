import { readFile } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { predictionsSchema, type Predictions } from '../backends/trainer';
import {
  selectionRounds,
  weightedAverageMetrics,
  type EnsembleMember,
} from '../evaluation/ensemble-selection';
import { summariseFolds } from '../evaluation/fold-summary';
import type { EnsembleChoice, SelectEnsembleInput } from '../workflows/definitions';
import { FAILURE } from '../shared/failure-types';
import { readTruth } from './evaluate-candidate';
import type { RunFiles } from './run-files';

/** One set of ranking rows (the validation split, or one fold's held-out rows): truth and every member's outputs. */
interface RowSet {
  yTrue: number[];
  members: EnsembleMember[];
}

/**
 * selectEnsemble: greedy ensemble selection (src/evaluation/ensemble-selection.ts)
 * over the predictions each candidate made on the rows it was ranked on,
 * read from the files its evaluations kept. Under cross-validation those are
 * out-of-fold predictions over train + validation, pooled for the selection;
 * the ensemble's ranking score is then the mean over the folds of its
 * metrics on each fold, like every other candidate's. Either way the
 * weights were chosen on those same rows, so the score leans optimistic.
 * Rows and predictions in S3 (the SageMaker backend) are read from this
 * worker's copies.
 */
export function createSelectEnsemble(files: RunFiles) {
  return (input: SelectEnsembleInput) => selectEnsemble(files, input);
}

async function selectEnsemble(
  files: RunFiles,
  input: SelectEnsembleInput,
): Promise<EnsembleChoice> {
  const sets: RowSet[] = [];
  let classes: string[] | undefined;
  for (const [position, channel] of input.rankingRows.entries()) {
    const truthFile = await files.channelFile(channel, 'validation.csv', input.backend);
    const labels = await readTruth(truthFile, input.target);
    const members: EnsembleMember[] = [];
    for (const member of input.members) {
      const file = member.predictions[position];
      if (file === undefined) {
        throw refusal(
          `candidate ${member.id} has ${member.predictions.length} predictions files for ${input.rankingRows.length} sets of ranking rows`,
        );
      }
      const predictions = await readPredictions(await files.local(file, input.backend), member.id);
      if ('classes' in predictions) {
        classes ??= predictions.classes;
        if (predictions.classes.join('\n') !== classes.join('\n')) {
          throw refusal(
            `candidate ${member.id} predicts classes ${predictions.classes.join(', ')}, the others ${classes.join(', ')}; ensemble members must share their classes`,
          );
        }
      }
      members.push({ id: member.id, outputs: outputsOf(predictions) });
    }
    sets.push({ yTrue: truthOf(labels, classes, input.task, truthFile), members });
  }
  const pooled = pool(sets);
  const rounds = selectionRounds({
    task: input.task,
    objective: input.objective,
    yTrue: pooled.yTrue,
    classCount: classes?.length,
    members: pooled.members,
    rounds: input.rounds,
  });
  let next = rounds.next();
  while (!next.done) {
    Context.current().heartbeat({ round: next.value });
    // A round scores every member once: let the worker's other activities in between.
    await nextTurn();
    next = rounds.next();
  }
  const chosen = next.value;
  const perSet = sets.map((set) =>
    weightedAverageMetrics(
      { task: input.task, yTrue: set.yTrue, classCount: classes?.length, members: set.members },
      chosen.weights,
    ),
  );
  const { mean, spread } = summariseFolds(perSet);
  return {
    weights: chosen.weights,
    metrics: sets.length === 1 ? (perSet[0] ?? {}) : mean,
    spread: sets.length === 1 ? undefined : spread,
    bestSingleId: chosen.bestSingleId,
    rounds: chosen.rounds,
    rows: pooled.yTrue.length,
  };
}

async function readPredictions(file: string, id: string): Promise<Predictions> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    // A missing file is not passing: the evaluation that wrote it is over.
    const why = error instanceof Error ? error.message : String(error);
    throw refusal(`the ranking predictions of candidate ${id} cannot be read (${why})`);
  }
  const parsed = predictionsSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw refusal(`${file} (candidate ${id}) does not hold predictions`);
  return parsed.data;
}

function outputsOf(predictions: Predictions): number[][] {
  return 'predictions' in predictions
    ? predictions.predictions.map((value) => [value])
    : predictions.probabilities;
}

function truthOf(
  labels: string[],
  classes: string[] | undefined,
  task: SelectEnsembleInput['task'],
  file: string,
): number[] {
  if (task === 'regression') return labels.map(Number);
  return labels.map((label) => {
    const index = classes?.indexOf(label) ?? -1;
    if (index === -1) throw refusal(`${file} has label '${label}', which no member predicts`);
    return index;
  });
}

/** Every set's rows one after another, each member's outputs in the same order. */
function pool(sets: RowSet[]): RowSet {
  const first = sets[0];
  if (!first) throw refusal('no ranking rows to select an ensemble on');
  return {
    yTrue: sets.flatMap((set) => set.yTrue),
    members: first.members.map((member, index) => ({
      id: member.id,
      outputs: sets.flatMap((set) => set.members[index]?.outputs ?? []),
    })),
  };
}

function refusal(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, FAILURE.ensemble);
}
