import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** sha256 over the folder's files, by name, so any change to the model changes it. */
export async function folderSha256(folder: string): Promise<string> {
  const hash = createHash('sha256');
  const files = (await readdir(folder, { recursive: true, withFileTypes: true })).filter((entry) =>
    entry.isFile(),
  );
  const names = files
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();
  for (const name of names)
    hash
      .update(name)
      .update('\0')
      .update(await readFile(path.join(folder, name)));
  return hash.digest('hex');
}
