import { RunProgress } from '../../../src/cli/run-progress';
import type { CandidateStatus } from '../../../src/workflows/definitions';

/** A non-TTY stream that keeps what was written: one line per change. */
function sink(): { lines: string[]; stream: NodeJS.WriteStream } {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (text: string) => lines.push(text.trimEnd()) };
  return { lines, stream: stream as unknown as NodeJS.WriteStream };
}

const succeeded = (id: string, roc_auc: number): CandidateStatus => ({
  id,
  algorithm: 'linear',
  state: 'succeeded',
  metrics: { roc_auc },
});

describe('the run progress line', () => {
  test("counts against the pipeline's N while a guided search has named only some candidates", () => {
    const { lines, stream } = sink();
    const progress = new RunProgress('roc_auc', 32, stream);
    progress.update('training', [
      succeeded('c01', 0.81),
      succeeded('c02', 0.84),
      { id: 'c03', algorithm: 'xgboost', state: 'running' },
    ]);
    expect(lines).toEqual([
      'training: 2/32 done, 1 running, 0 failed, best so far c02 (linear) roc_auc=0.8400',
    ]);
  });

  test('writes a line only when it changes', () => {
    const { lines, stream } = sink();
    const progress = new RunProgress('roc_auc', 2, stream);
    progress.update('preparing', []);
    progress.update('preparing', []);
    progress.update('training', [succeeded('c01', 0.8)]);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^training: 1\/2 done/);
  });
});
