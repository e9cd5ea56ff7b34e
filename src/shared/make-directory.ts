import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * `mkdir -p` that reports the real reason it failed. Node 20's recursive
 * mkdir says ENOENT ("no such file or directory") when a parent cannot be
 * made on a read-only disk (nodejs/node#47098), which names neither the cause
 * nor the fix; making the first missing folder alone gives EROFS or EACCES.
 */
export async function makeDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(await firstMissingFolder(dir));
    throw error;
  }
}

async function firstMissingFolder(dir: string): Promise<string> {
  let missing = path.resolve(dir);
  for (;;) {
    const parent = path.dirname(missing);
    if (parent === missing || (await exists(parent))) return missing;
    missing = parent;
  }
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
