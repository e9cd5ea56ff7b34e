import { formatReconcile } from '../../../src/cli/format-reconcile';
import type { Repair } from '../../../src/workflows/reconcile-definitions';

const model = { group: 'churn', version: 2 };
const rollBack: Repair = {
  action: 'roll-back',
  endpoint: 'churn',
  deploymentId: 'r2-deploy',
  model,
  reason: 'it still serves churn v2, though run r2 was terminated',
};
const reject: Repair = {
  action: 'reject',
  model,
  wasStatus: 'Approved',
  reason: 'run r2 was terminated, leaving it Approved',
};
const checked = { versions: 3, endpoints: 1 };

describe('what ferry reconcile prints', () => {
  test('"nothing to repair" with what it checked, and what it left alone', () => {
    const leftAlone = [{ subject: 'churn v1', reason: 'its run r1 is not in Temporal' }];
    expect(formatReconcile({ isDryRun: false, repairs: [], leftAlone, checked })).toEqual([
      'left alone churn v1: its run r1 is not in Temporal',
      'nothing to repair (3 versions and 1 endpoint checked)',
    ]);
  });

  test('a refused repair as such, and no rejection after it', () => {
    const lines = formatReconcile({
      isDryRun: false,
      repairs: [
        { repair: rollBack, error: 'endpoint churn: cannot roll back' },
        { repair: reject, error: 'not rejected, since its endpoint was not rolled back' },
      ],
      leftAlone: [],
      checked,
    });
    expect(lines).toEqual([
      'could not roll back endpoint churn off churn v2 (deployment r2-deploy): endpoint churn: cannot roll back',
      'did not reject churn v2 (was Approved): not rejected, since its endpoint was not rolled back',
    ]);
  });
});
