import type { RunOutcome as Outcome } from '../workflows/definitions';

export type RunOutcome = Outcome['outcome'];

/**
 * How a run ended, as the end of a sentence: "the run ended rejected". The
 * report's step notes and the Markdown's empty sections both use it, so a
 * reader sees one explanation for every part the run never reached.
 */
export function endedPhrase(outcome: RunOutcome): string {
  switch (outcome) {
    case 'no-candidate-passed':
      return 'the run ended with no candidate passing the gates';
    case 'rejected':
      return 'the run ended rejected';
    case 'expired':
      return 'the run ended when the approval expired';
    case 'deployed':
      return 'the run ended deployed';
    case 'rolled-back':
      return 'the run ended rolled back';
    case 'failed':
      return 'the run failed';
    case 'cancelled':
      return 'the run was cancelled';
  }
}

/** The outcome as a title word: "deployed", "rolled back", "no candidate passed". */
export function outcomeLabel(outcome: RunOutcome): string {
  return outcome.replace(/-/g, ' ');
}
