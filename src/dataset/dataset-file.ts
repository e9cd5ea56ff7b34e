import { constants, type Stats } from 'node:fs';
import { open, readlink, realpath, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { isInsideRoots, isLexicallyInsideRoots, rootsFix, type DataRoots } from './data-roots';
import type { DatasetLimits } from './dataset-limits';
import { DatasetRefusal } from './dataset-refusal';

/** An open dataset: a regular file, inside the roots if there are roots, no larger than the limit. */
export interface DatasetFile {
  handle: FileHandle;
  /** The path with every symlink followed. */
  realPath: string;
  size: number;
  /** When reading must be done by (Date.now() clock). */
  deadline: number;
  limits: DatasetLimits;
}

export interface OpenOptions {
  /** Folder a relative path is read from. */
  baseDir: string;
  /** Undefined: any folder (a development worker, data-roots.ts). */
  roots?: DataRoots;
  limits: DatasetLimits;
}

/**
 * Kernel interfaces, not data: /proc/self/environ stat()s as a regular file
 * of size 0 and holds the process's secrets; devices never end.
 */
const SYSTEM_FOLDERS = ['/proc', '/sys', '/dev'];

/**
 * O_NONBLOCK: opening a FIFO for reading otherwise waits for a writer, on
 * one of libuv's four file threads; four such requests stopped every file
 * read in the API. O_NOFOLLOW: the real path was just resolved, so a symlink
 * in its place now is a swap. The handle's own fstat is what decides: the
 * path may change between the checks and the open.
 */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;

export async function openDatasetFile(file: string, options: OpenOptions): Promise<DatasetFile> {
  const deadline = Date.now() + options.limits.timeoutMs;
  return withDeadline(openChecked(file, options, deadline), deadline, file, (late) =>
    late.handle.close().catch(() => undefined),
  );
}

async function openChecked(
  file: string,
  options: OpenOptions,
  deadline: number,
): Promise<DatasetFile> {
  const { roots, limits } = options;
  const lexical = path.resolve(options.baseDir, file);
  const realPath = await resolveReal(lexical, roots);
  await checkPlace(realPath, roots);
  checkKind(await stat(realPath).catch((error: unknown) => refuseAccess(error, lexical)));
  const handle = await open(realPath, OPEN_FLAGS).catch((error: unknown) =>
    refuseAccess(error, lexical),
  );
  try {
    const stats = await handle.stat();
    checkKind(stats);
    // What the handle names now, symlinks swapped in since included (Linux; elsewhere the checks above stand).
    const opened = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => realPath);
    if (opened !== realPath) await checkPlace(opened, roots);
    if (stats.size > limits.maxBytes) throw tooLarge(stats.size, limits);
    return { handle, realPath, size: stats.size, deadline, limits };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function resolveReal(lexical: string, roots: DataRoots | undefined): Promise<string> {
  try {
    return await realpath(lexical);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (
      (code === 'ENOENT' || code === 'ENOTDIR') &&
      roots &&
      !(await isLexicallyInsideRoots(lexical, roots))
    )
      throw outside(roots);
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new DatasetRefusal(
        `does not exist (looked for ${lexical})`,
        "check the path; a relative path is read from the pipeline file's folder",
      );
    if (code === 'ELOOP')
      throw new DatasetRefusal('is a loop of symlinks', 'point it at the CSV file itself');
    return refuseAccess(error, lexical);
  }
}

async function checkPlace(realPath: string, roots: DataRoots | undefined): Promise<void> {
  const system = SYSTEM_FOLDERS.find(
    (folder) => realPath === folder || realPath.startsWith(`${folder}/`),
  );
  if (system !== undefined) {
    throw new DatasetRefusal(
      `is under ${system} (a kernel interface, not a data file)`,
      'point it at a CSV file',
    );
  }
  if (roots && !(await isInsideRoots(realPath, roots))) throw outside(roots);
}

function outside(roots: DataRoots): DatasetRefusal {
  const message =
    roots.origin === 'API without roots'
      ? 'is a local path, and this API has no data roots'
      : 'is outside the data roots (symlinks followed)';
  return new DatasetRefusal(message, rootsFix(roots));
}

function checkKind(stats: Stats): void {
  if (stats.isFile()) return;
  if (stats.isDirectory())
    throw new DatasetRefusal('is a folder, not a CSV file', 'point it at the CSV file itself');
  const kind = stats.isFIFO()
    ? 'a FIFO (named pipe)'
    : stats.isSocket()
      ? 'a socket'
      : stats.isCharacterDevice() || stats.isBlockDevice()
        ? 'a device'
        : 'not a regular file';
  throw new DatasetRefusal(
    `is ${kind}; only regular files are read`,
    'point it at a CSV file (copy streamed data to a file first)',
  );
}

function refuseAccess(error: unknown, lexical: string): never {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM')
    throw new DatasetRefusal(
      'cannot be read (permission denied)',
      `make ${lexical} readable by the user Ferry runs as`,
    );
  if (code === 'ELOOP')
    throw new DatasetRefusal('changed into a symlink while it was opened', 'try again');
  if (code === 'ENXIO')
    throw new DatasetRefusal('is a socket or device, not a regular file', 'point it at a CSV file');
  throw new DatasetRefusal(`cannot be read (${code ?? 'error'})`, `check ${lexical}`);
}

function tooLarge(size: number, limits: DatasetLimits): DatasetRefusal {
  return new DatasetRefusal(
    `is larger (${size} bytes or more) than the limit of ${limits.maxBytes} bytes`,
    'raise FERRY_MAX_DATASET_BYTES where Ferry runs, or sample the data',
  );
}

/**
 * The file's bytes in chunks (1 MiB unless told), at most the size limit in
 * all (more is refused: a file may grow after its fstat), each read bounded
 * by the deadline. The caller may stop early.
 */
export async function* readChunks(file: DatasetFile, chunkBytes = 1 << 20) {
  const maxBytes = file.limits.maxBytes;
  let total = 0;
  for (;;) {
    const buffer = Buffer.alloc(chunkBytes);
    const { bytesRead } = await withDeadline(
      file.handle.read(buffer, 0, chunkBytes, total),
      file.deadline,
      file.realPath,
    );
    if (bytesRead === 0) return;
    total += bytesRead;
    if (total > maxBytes) throw tooLarge(total, file.limits);
    yield buffer.subarray(0, bytesRead);
  }
}

/** The whole file, bounded in size and time. */
export async function readAllBytes(file: DatasetFile): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of readChunks(file)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * A file operation stuck in the kernel (a hung network mount) cannot be
 * cancelled, but the caller need not wait for it: past the deadline it is
 * refused, and what the late operation yields is released by `onLate`.
 */
async function withDeadline<T>(
  work: Promise<T>,
  deadline: number,
  file: string,
  onLate?: (late: T) => unknown,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => {
        void work.then(onLate, () => undefined);
        reject(
          new DatasetRefusal(
            `could not be read within FERRY_DATASET_READ_TIMEOUT_MS (${file})`,
            'check the disk or mount it is on, or raise FERRY_DATASET_READ_TIMEOUT_MS',
          ),
        );
      },
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
