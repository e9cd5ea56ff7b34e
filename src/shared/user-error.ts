/** The exit code for input the user can fix; cli/exit-codes.ts names it EXIT_INVALID among the others. */
export const INVALID_INPUT_EXIT_CODE = 2;

/**
 * An error the user can fix (a bad file, flag or environment variable): its
 * message names what was wrong and the fix, so whoever catches it shows the
 * message alone. The CLI exits with `exitCode`. It lives outside cli/
 * because `ferry api`'s configuration (api/api-config.ts) throws it too.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = INVALID_INPUT_EXIT_CODE,
  ) {
    super(message);
  }
}
