import os from 'node:os';

/** The person running a command: `--as`, else FERRY_USER, else the OS user. */
export function whoAmI(as: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return as ?? env.FERRY_USER ?? os.userInfo().username;
}
