import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDevServer } from '../src/temporal/dev-server';

/** TEMPORAL_ADDRESS when set, else a throwaway dev server for this benchmark. */
export async function benchServer(): Promise<{ address: string; stop(): Promise<void> }> {
  if (process.env.TEMPORAL_ADDRESS)
    return { address: process.env.TEMPORAL_ADDRESS, stop: () => Promise.resolve() };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-bench-'));
  const server = await startDevServer({
    dbFile: path.join(dir, 'temporal.db'),
    logFile: path.join(dir, 'server.log'),
    isUiEnabled: false,
  });
  return { address: server.address, stop: () => server.stop() };
}

export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** What every benchmark reports about where it ran, since absolute figures depend on it. */
export function machine(): { cpus: number; memoryGiB: number; node: string } {
  return {
    cpus: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
  };
}
