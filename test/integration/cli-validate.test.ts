import { runFerry } from '../fixtures/ferry-cli';
import { EXAMPLES_DIR, validPipeline, writePipeline } from '../fixtures/pipelines';
import path from 'node:path';

describe('ferry validate (the real command)', () => {
  test('exits 0 and summarises a valid file', () => {
    const result = runFerry(['validate', path.join(EXAMPLES_DIR, 'churn.yaml')]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(
      /churn.yaml: valid \(binary, 6 candidates \(random\) from xgboost, linear, hist-gradient-boosting, objective roc_auc, backend local\)/,
    );
    expect(result.status).toBe(0);
  });

  test('exits 2 and lists every problem with the file, line, path and fix', () => {
    const pipeline = validPipeline();
    (pipeline.endpoint as Record<string, unknown>).minReplicas = 3;
    (pipeline.endpoint as Record<string, unknown>).maxReplicas = 2;
    (pipeline.approval as Record<string, unknown>).approvers = [];
    pipeline.objectve = 'roc_auc';
    const file = writePipeline(pipeline);
    const result = runFerry(['validate', file]);
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^${file}:\\d+:\\d+: endpoint.maxReplicas \\(2\\) is below endpoint.minReplicas \\(3\\); raise maxReplicas or lower minReplicas$`,
          ),
        ),
        expect.stringMatching(
          /: approval.approvers is empty, so nobody could approve a run; name at least one approver/,
        ),
        expect.stringMatching(/: objectve is not a known key; did you mean 'objective'\?$/),
        `${file}: 3 problems`,
      ]),
    );
  });

  test('exits 2 for a dataset with no such column, suggesting the right one', () => {
    const pipeline = validPipeline();
    (pipeline.dataset as Record<string, unknown>).target = 'churned';
    const result = runFerry(['validate', writePipeline(pipeline, 'json')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /dataset.target \('churned'\) is not a column of .*wa_churn.csv; did you mean 'churn'\?/,
    );
  });

  test('exits 2 for a file that does not exist', () => {
    const result = runFerry(['validate', '/nonexistent/pipeline.yaml']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /\/nonexistent\/pipeline.yaml: does not exist; give the path of a pipeline file/,
    );
  });

  test('exits 2 with usage for a missing argument', () => {
    const result = runFerry(['validate']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/missing required argument 'files'/);
  });
});

describe('ferry schema', () => {
  test('prints a JSON Schema for pipeline files', () => {
    const result = runFerry(['schema']);
    expect(result.status).toBe(0);
    const schema = JSON.parse(result.stdout) as {
      $schema: string;
      required: string[];
      additionalProperties: boolean;
    };
    expect(schema.$schema).toMatch(/json-schema.org/);
    expect(schema.required).toEqual(
      expect.arrayContaining([
        'name',
        'dataset',
        'candidates',
        'objective',
        'modelGroup',
        'approval',
        'loadTest',
      ]),
    );
    expect(schema.additionalProperties).toBe(false);
  });
});
