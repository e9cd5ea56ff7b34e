import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ConfigProblem } from './problem';

/**
 * The largest pipeline file Ferry reads. A real one is a few kilobytes; the
 * bound keeps a mistaken path (a dataset, a disk image) or a generated bomb
 * from being parsed at all.
 */
export const MAX_PIPELINE_FILE_BYTES = 1024 * 1024;

export type PipelineFileText = { ok: true; text: string } | { ok: false; problem: ConfigProblem };

const FIX = 'give the path of a pipeline file (YAML or JSON)';

/**
 * Reads a pipeline file as UTF-8 text, refusing what is not one: a folder,
 * a FIFO or device (opened without blocking, so a FIFO with no writer cannot
 * hang the validator), a file over the size limit, and binary content.
 */
export async function readPipelineFile(file: string): Promise<PipelineFileText> {
  const refuse = (message: string, fix = FIX): PipelineFileText => ({
    ok: false,
    problem: { path: '', message, fix },
  });
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return refuse(openFailure((error as NodeJS.ErrnoException).code));
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) return refuse('is a folder');
    if (!stats.isFile()) return refuse('is not a regular file (a FIFO, socket or device)');
    if (stats.size > MAX_PIPELINE_FILE_BYTES) return refuse(tooBig(stats.size), TOO_BIG_FIX);
    // Read one byte past the limit: procfs and growing files report a size that is not what they hold.
    const buffer = Buffer.alloc(MAX_PIPELINE_FILE_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_PIPELINE_FILE_BYTES) return refuse(tooBig(bytesRead), TOO_BIG_FIX);
    const text = decodeText(buffer.subarray(0, bytesRead));
    if (text === undefined) {
      return refuse(
        'is not a text file (it holds NUL bytes or is not valid UTF-8)',
        'give the path of a pipeline file: YAML or JSON text, saved as UTF-8',
      );
    }
    return { ok: true, text };
  } catch (error) {
    return refuse(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  } finally {
    await handle.close();
  }
}

const TOO_BIG_FIX = `a pipeline file is a few kilobytes of settings; check that this is the pipeline file, not a dataset`;

function tooBig(bytes: number): string {
  const over =
    bytes > MAX_PIPELINE_FILE_BYTES * 2 ? `${Math.floor(bytes / 1024 / 1024)} MiB` : 'more';
  return `is too big (${over}; the limit is ${MAX_PIPELINE_FILE_BYTES / 1024 / 1024} MiB)`;
}

function openFailure(code: string | undefined): string {
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EISDIR') return 'is a folder';
  if (code === 'EACCES') return 'cannot be read (permission denied)';
  return `cannot be read (${code ?? 'error'})`;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The text, or undefined for bytes that are not text: NUL bytes or invalid UTF-8. */
function decodeText(bytes: Buffer): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    // The decoder drops a leading BOM, which editors on Windows write.
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}
