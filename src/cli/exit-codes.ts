/** The ferry command's exit codes, so scripts can branch on the outcome. */
export const EXIT_OK = 0;
export const EXIT_UNEXPECTED = 1;
export const EXIT_INVALID = 2;

/** An error the user can fix; the CLI prints its message alone and exits with `exitCode`. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_INVALID,
  ) {
    super(message);
  }
}
