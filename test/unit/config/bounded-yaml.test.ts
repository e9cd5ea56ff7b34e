import {
  MAX_ALIAS_COUNT,
  MAX_NESTING_DEPTH,
  parsePipelineText,
} from '../../../src/config/pipeline-source';
import { showValue } from '../../../src/config/show-value';
import { escapeUnsafe } from '../../../src/config/unsafe-characters';
import { validatePipeline } from '../../../src/config/validate-pipeline';

function onlyProblem(text: string) {
  const source = parsePipelineText(text);
  expect(source.raw).toBeUndefined();
  expect(source.syntaxProblems).toHaveLength(1);
  return source.syntaxProblems[0]!;
}

/** `depth` lists, one inside the other, as flow YAML. */
const nested = (depth: number) => `a: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;

describe('the bounded YAML parser', () => {
  test(`reads collections nested ${MAX_NESTING_DEPTH - 2} deep and refuses one level past the bound`, () => {
    expect(parsePipelineText(nested(MAX_NESTING_DEPTH - 2)).syntaxProblems).toEqual([]);
    expect(onlyProblem(nested(MAX_NESTING_DEPTH + 1)).message).toMatch(
      new RegExp(`more than ${MAX_NESTING_DEPTH} levels deep`),
    );
  });

  test('refuses 100,000 open brackets quickly, at the line where they pass the bound', () => {
    const started = Date.now();
    const problem = onlyProblem(`name: x\nlist: ${'['.repeat(100_000)}`);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(problem.line).toBe(2);
    expect(problem.message).toMatch(/levels deep/);
  });

  test('lets an anchor be reused a few times, and refuses aliases of aliases', () => {
    const reuse = parsePipelineText('a: &x [1, 2]\nb: *x\nc: *x\n');
    expect(reuse.raw).toEqual({ a: [1, 2], b: [1, 2], c: [1, 2] });
    const levels = ['l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 5; i++)
      levels.push(
        `l${i}: &l${i} [${Array(10)
          .fill(`*l${i - 1}`)
          .join(', ')}]`,
      );
    const started = Date.now();
    expect(onlyProblem(levels.join('\n')).message).toMatch(
      new RegExp(`expand to more than ${MAX_ALIAS_COUNT} copies`),
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('allows the core tags and refuses every other, naming the field', () => {
    expect(parsePipelineText('a: !!str 5\nb: !!int "7"\n').raw).toEqual({ a: '5', b: 7 });
    for (const tag of ['!!binary aGk=', '!!js/regexp /x/', '!!timestamp 2024-01-01', '!secret x']) {
      const problem = onlyProblem(`a:\n  b: ${tag}\n`);
      expect(`${problem.path} ${problem.message}`).toMatch(/^a\.b uses the YAML tag/);
    }
  });

  test('refuses a %TAG directive that renames !! to something else', () => {
    const problem = onlyProblem('%TAG !! tag:evil.example,2024:\n---\na: !!str x\n');
    expect(problem.message).toMatch(/uses the YAML tag "tag:evil.example,2024:str"/);
  });

  test('names the list item a refused construct is in', () => {
    expect(onlyProblem('a:\n  - x\n  - !weird y\n').path).toBe('a[1]');
  });
});

describe('values quoted in problems', () => {
  test('are cut short, escaped, and never walk a deep value', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(showValue(deep)).toBe('[[[...]]]');
    expect(showValue('x'.repeat(1_000_000))).toHaveLength(60);
    expect(showValue('a\u001b[2Kb\u009bc\u202ed')).toBe('"a\\u001b[2Kb\\u009bc\\u202ed"');
    expect(escapeUnsafe('plain text')).toBe('plain text');
  });

  test('a deeply nested API body is refused with problems, not a stack overflow', async () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 200_000; i++) deep = { name: deep };
    const result = await validatePipeline({ name: deep, modelGroup: [deep] }, { baseDir: '/' });
    expect(result.ok).toBe(false);
    const described = result.problems.map((problem) => `${problem.path} ${problem.message}`);
    expect(described).toEqual(
      expect.arrayContaining(['name must be text, not a section ({"name":{"name":{...}}})']),
    );
    expect(described).toEqual(
      expect.arrayContaining(['modelGroup must be text, not a list ([{"name":{...}}])']),
    );
  });
});
