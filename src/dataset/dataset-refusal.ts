/**
 * Why a dataset cannot be used, in words safe to show anyone: what is wrong
 * and the fix, never the file's content (beyond bounded column names, see
 * column-names.ts). The validator shows it as a problem of `field`; the
 * worker as a DatasetError.
 */
export class DatasetRefusal extends Error {
  constructor(
    message: string,
    readonly fix: string,
    readonly field: 'dataset.path' | 'dataset.target' = 'dataset.path',
  ) {
    super(message);
  }
}
