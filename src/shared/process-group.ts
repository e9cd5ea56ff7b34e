/**
 * Stopping a child that runs in its own process group (spawned `detached`):
 * the group id is the child's pid, so signalling `-pid` reaches anything it
 * started too, and "no process left in the group" is checkable.
 */
export function isProcessGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether one process (not a group) is still running. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function signalProcessGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** SIGTERM, wait for the group to empty, SIGKILL what is left after `graceMs`. */
export async function stopProcessGroup(pgid: number, graceMs = 10_000): Promise<void> {
  signalProcessGroup(pgid, 'SIGTERM');
  if (await waitUntilGone(pgid, graceMs)) return;
  signalProcessGroup(pgid, 'SIGKILL');
  if (!(await waitUntilGone(pgid, 5_000))) {
    throw new Error(`process group ${pgid} is still running after SIGKILL`);
  }
}

async function waitUntilGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcessGroupAlive(pgid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !isProcessGroupAlive(pgid);
}
