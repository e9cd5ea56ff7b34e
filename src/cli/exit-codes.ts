import { INVALID_INPUT_EXIT_CODE } from '../shared/user-error';

/** The ferry command's exit codes, so scripts can branch on the outcome. */
export const EXIT_OK = 0;
export const EXIT_UNEXPECTED = 1;
export const EXIT_INVALID = INVALID_INPUT_EXIT_CODE;
/** A run that failed (for example on a bad dataset). */
export const EXIT_RUN_FAILED = 1;
/** A decision the run's rules refused (ferry approve / reject). */
export const EXIT_REFUSED = 3;
/** A run that ended without an approved model: no candidate passed, or it was rejected or expired. */
export const EXIT_NO_MODEL = 4;
/** An approved model failed its load test's SLO and the endpoint was rolled back. */
export const EXIT_ROLLED_BACK = 5;
