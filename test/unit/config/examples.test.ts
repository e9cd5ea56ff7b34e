import { readdirSync } from 'node:fs';
import path from 'node:path';
import { validatePipelineFile } from '../../../src/config/validate-pipeline';
import { EXAMPLES_DIR } from '../../fixtures/pipelines';

const examples = readdirSync(EXAMPLES_DIR).filter((file) => /\.ya?ml$/.test(file));

describe('the example pipelines', () => {
  test('include the binary, regression and multi-class examples', () => {
    expect(examples).toEqual(expect.arrayContaining(['churn.yaml', 'ames.yaml', 'hpc.yaml']));
  });

  test.each(examples)('%s is valid', async (file) => {
    const result = await validatePipelineFile(path.join(EXAMPLES_DIR, file));
    expect(result.problems).toEqual([]);
  });

  test('get defaults for what they leave out', async () => {
    const result = await validatePipelineFile(path.join(EXAMPLES_DIR, 'ames.yaml'));
    if (!result.ok) throw new Error('ames.yaml should be valid');
    const { config } = result;
    expect(config.backend).toBe('local');
    expect(config.split).toEqual({ train: 0.7, validation: 0.15, test: 0.15, seed: 42 });
    expect(config.endpoint.scaleInCooldownSeconds).toBe(300);
    expect(config.gates.champion).toEqual({ enabled: true, margin: 0 });
    expect(config.loadTest.arrival).toBe('poisson');
    expect(config.loadTest.slo.maxErrorRate).toBe(0.01);
    expect(config.approval.allowStarterToApprove).toBe(false);
    expect(config.candidates.algorithms?.[1]).toEqual({
      name: 'linear',
      hyperparameters: { alpha: { low: 0.1, high: 100, log: true } },
    });
  });
});
