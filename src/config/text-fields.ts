import { z } from 'zod';
import { showValue } from './show-value';
import { hasUnsafeCharacter } from './unsafe-characters';

/**
 * Text fields of a pipeline file, bounded. Every name a user writes ends up
 * somewhere else: in terminal output, Markdown and HTML reports, run ids,
 * Temporal payloads, file names of the local backend and SageMaker resource
 * names. So each has a length limit and none may hold an unsafe character
 * (unsafe-characters.ts).
 */
const UNSAFE_MESSAGE =
  'contains a control character, escape sequence or line break, which Ferry would print and store as it is';
const UNSAFE_FIX = 'write it on one line, in plain printable characters';

/** A non-empty single line of at most `maxLength` characters. */
export function plainText(maxLength: number) {
  return z
    .string()
    .min(1)
    .max(maxLength)
    .refine((text) => !hasUnsafeCharacter(text), {
      message: UNSAFE_MESSAGE,
      params: { fix: UNSAFE_FIX },
    });
}

/**
 * A name checked against a pattern, once its length fits: a megabyte of text
 * gets "too long", not a pattern message quoting it.
 */
export function patternName(maxLength: number, pattern: RegExp, message: string) {
  return z
    .string()
    .min(1)
    .max(maxLength)
    .superRefine((text, ctx) => {
      if (text === '' || text.length > maxLength || pattern.test(text)) return;
      ctx.addIssue({
        code: 'custom',
        message: `(${showValue(text)}) ${message}`,
        params: { fix: 'change it to fit that pattern' },
        input: text,
      });
    });
}

/** SageMaker's pattern for model package group and endpoint names (up to 63 characters). */
const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
export const SAGEMAKER_NAME_MAX = 63;

/**
 * Model groups and endpoints: SageMaker's own rule, which the local backend
 * keeps too, since it makes them file names and URL path segments that need
 * no escaping.
 */
export function sagemakerName(what: string) {
  return patternName(
    SAGEMAKER_NAME_MAX,
    SAGEMAKER_NAME,
    `must be letters, digits and hyphens, starting and ending with a letter or digit (a SageMaker ${what} name)`,
  );
}

/** Who may approve: the same names the API and the approval policies use for people. */
export const PERSON_NAME_MAX = 128;
export const personName = patternName(
  PERSON_NAME_MAX,
  /^[A-Za-z0-9][A-Za-z0-9._@-]*$/,
  'is not a person name (letters, digits, . _ @ -, starting with a letter or digit)',
);
