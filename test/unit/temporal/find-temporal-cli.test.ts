import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findTemporalCli } from '../../../src/temporal/temporal-cli';
import { PROJECT_ROOT } from '../../../src/shared/project-paths';

function fakeExecutable(dir: string): string {
  const file = path.join(dir, 'temporal');
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, 0o755);
  return file;
}

describe('finding the Temporal CLI', () => {
  test('prefers TEMPORAL_CLI when it names an executable', () => {
    const cli = fakeExecutable(mkdtempSync(path.join(os.tmpdir(), 'ferry-cli-')));
    expect(findTemporalCli({ TEMPORAL_CLI: cli, PATH: '' })).toBe(cli);
  });

  test('refuses a TEMPORAL_CLI that is not executable, naming the variable', () => {
    expect(() => findTemporalCli({ TEMPORAL_CLI: '/nonexistent/temporal' })).toThrow(
      /TEMPORAL_CLI is set to \/nonexistent\/temporal, which is not an executable file/,
    );
  });

  test('uses the one scripts/setup.sh installed into .venv', () => {
    expect(findTemporalCli({ PATH: '' })).toBe(path.join(PROJECT_ROOT, '.venv', 'bin', 'temporal'));
  });
});
