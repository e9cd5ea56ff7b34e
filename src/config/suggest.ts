import { closest, distance } from 'fastest-levenshtein';

/** The known word closest to a typo, if it is close enough to be a likely slip. */
function suggest(word: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const lower = word.toLowerCase();
  const best = closest(
    lower,
    known.map((k) => k.toLowerCase()),
  );
  const match = known.find((k) => k.toLowerCase() === best);
  // One slip per three letters: "binarry" finds "binary", "auc" does not find "mcc".
  const allowed = Math.max(1, Math.floor(word.length / 3));
  return match !== undefined && distance(lower, best) <= allowed ? match : undefined;
}

export function didYouMean(word: string, known: readonly string[], otherwise: string): string {
  const match = suggest(word, known);
  return match === undefined ? otherwise : `did you mean '${match}'?`;
}
