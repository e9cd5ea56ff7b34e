import { realpath } from 'node:fs/promises';
import path from 'node:path';

/**
 * The folders local datasets may come from (FERRY_DATA_ROOTS, a list like
 * PATH), and where that list came from, so a refusal can name its fix. A
 * pipeline is text anyone with a token can send: without roots, a dataset
 * path would read any file the process can, and the validator's messages
 * would show its first line.
 */
export interface DataRoots {
  folders: readonly string[];
  origin: 'FERRY_DATA_ROOTS' | 'pipeline folder' | 'API without roots';
}

/** FERRY_DATA_ROOTS as absolute folders; undefined when unset or empty. */
export function parseDataRoots(
  text: string | undefined,
  cwd = process.cwd(),
): string[] | undefined {
  const folders = (text ?? '')
    .split(path.delimiter)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => path.resolve(cwd, entry));
  return folders.length === 0 ? undefined : folders;
}

/** `ferry validate`, `ferry run`, the demo: FERRY_DATA_ROOTS, else the pipeline file's folder. */
export function cliDataRoots(env: NodeJS.ProcessEnv, pipelineDir: string): DataRoots {
  const folders = parseDataRoots(env.FERRY_DATA_ROOTS);
  return folders
    ? { folders, origin: 'FERRY_DATA_ROOTS' }
    : { folders: [pipelineDir], origin: 'pipeline folder' };
}

/** The API reads no local file unless its operator named the folders (`ferry api`'s FERRY_DATA_ROOTS). */
export function apiDataRoots(folders: readonly string[] | undefined): DataRoots {
  return folders && folders.length > 0
    ? { folders, origin: 'FERRY_DATA_ROOTS' }
    : { folders: [], origin: 'API without roots' };
}

/**
 * The worker enforces FERRY_DATA_ROOTS when its environment sets it. Unset,
 * it is a development worker (`ferry dev`): every run it gets was started by
 * someone who reaches its Temporal server, and a file's path was already
 * checked by the CLI or the API that started it; the file rules (a regular
 * file, bounded in size and time) hold either way.
 */
export function workerDataRoots(env: NodeJS.ProcessEnv): DataRoots | undefined {
  const folders = parseDataRoots(env.FERRY_DATA_ROOTS);
  return folders && { folders, origin: 'FERRY_DATA_ROOTS' };
}

/** Whether a real path (symlinks followed) is one of the roots or under one. */
export async function isInsideRoots(realPath: string, roots: DataRoots): Promise<boolean> {
  for (const folder of await realFolders(roots)) {
    if (isUnder(realPath, folder)) return true;
  }
  return false;
}

/** For a path that does not exist: inside by its letters, so "does not exist" tells nothing of elsewhere. */
export async function isLexicallyInsideRoots(file: string, roots: DataRoots): Promise<boolean> {
  const folders = [...roots.folders, ...(await realFolders(roots))];
  return folders.some((folder) => isUnder(path.resolve(file), folder));
}

/** What a refusal for a path outside the roots tells its reader to do. */
export function rootsFix(roots: DataRoots): string {
  switch (roots.origin) {
    case 'FERRY_DATA_ROOTS':
      return `put the file under one of the data roots (FERRY_DATA_ROOTS: ${roots.folders.join(path.delimiter)}), or add its folder to FERRY_DATA_ROOTS`;
    case 'pipeline folder':
      return `put the file in the pipeline file's folder (${roots.folders[0] ?? ''}) or below it, or set FERRY_DATA_ROOTS to the folders datasets may come from`;
    case 'API without roots':
      return 'this API reads no local files, since FERRY_DATA_ROOTS is not set for it: use an s3:// URI, or ask its operator to set FERRY_DATA_ROOTS (for the API and the worker) to the folders datasets may come from';
  }
}

/** Roots that do not exist hold nothing; the others with their own symlinks followed. */
async function realFolders(roots: DataRoots): Promise<string[]> {
  const found = await Promise.all(
    roots.folders.map((folder) => realpath(folder).catch(() => undefined)),
  );
  return found.filter((folder): folder is string => folder !== undefined);
}

function isUnder(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  const isAbove = relative === '..' || relative.startsWith(`..${path.sep}`);
  return !isAbove && !path.isAbsolute(relative);
}
