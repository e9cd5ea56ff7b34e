import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeDirectory } from './make-directory';

/**
 * Writes through a temporary file and a rename, so a reader (or a retried
 * activity) never sees half a file when the writer is killed midway.
 */
export async function writeFileAtomic(
  file: string,
  content: string | Buffer,
  mode = 0o666,
): Promise<void> {
  await makeDirectory(path.dirname(file));
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, content, { mode });
  await rename(temporary, file);
}
