import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { pipelineJsonSchema } from '../../../src/config/json-schema';
import { EXAMPLES_DIR } from '../../fixtures/pipelines';

// An independent JSON Schema validator (ajv) checks the exported schema the
// way an editor would use it.
const ajv = new Ajv2020({ strict: false, allErrors: true });
const validate = ajv.compile(pipelineJsonSchema());

function example(name: string): Record<string, unknown> {
  return parse(readFileSync(path.join(EXAMPLES_DIR, name), 'utf8')) as Record<string, unknown>;
}

describe('the exported JSON Schema', () => {
  test.each(['churn.yaml', 'ames.yaml', 'hpc.yaml'])('accepts %s', (name) => {
    expect(validate(example(name))).toBe(true);
  });

  test('rejects an unknown key and a wrong enum value', () => {
    const pipeline = { ...example('churn.yaml'), backnd: 'local', backend: 'cloud' };
    expect(validate(pipeline)).toBe(false);
    const reasons = (validate.errors ?? []).map(
      (error) => `${error.instancePath} ${error.message ?? ''}`,
    );
    expect(reasons).toEqual(
      expect.arrayContaining([
        ' must NOT have additional properties',
        '/backend must be equal to one of the allowed values',
      ]),
    );
  });

  test('describes fields for editors', () => {
    const schema = pipelineJsonSchema() as { properties: Record<string, { description?: string }> };
    expect(schema.properties.objective?.description).toMatch(/ranks candidates/);
  });
});
