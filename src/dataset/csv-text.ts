import { isUtf8 } from 'node:buffer';
import { DatasetRefusal } from './dataset-refusal';

/** The whole file's bytes at once (natively: a decoded string of 512 MiB would exceed V8's limit). */
export function checkText(bytes: Buffer): void {
  checkNoNul(bytes, 0);
  if (!isUtf8(bytes)) throw notUtf8();
}

/**
 * Checks that a dataset's bytes are UTF-8 text, chunk by chunk: binary data
 * (a NUL byte) or another encoding gets a refusal of its own rather than a
 * parser's error about a quote, and none of its bytes are quoted.
 */
export class TextCheck {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private offset = 0;

  add(chunk: Buffer): void {
    checkNoNul(chunk, this.offset);
    try {
      // stream: a character split between two chunks is completed by the next.
      this.decoder.decode(chunk, { stream: true });
    } catch {
      throw notUtf8();
    }
    this.offset += chunk.length;
  }

  /** The file ended: a character cut short at the end is invalid too. */
  end(): void {
    try {
      this.decoder.decode();
    } catch {
      throw notUtf8();
    }
  }
}

function checkNoNul(bytes: Buffer, offset: number): void {
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    throw new DatasetRefusal(
      `holds binary data (a NUL byte at byte ${offset + nul}), not CSV text`,
      'point it at a CSV text file',
    );
  }
}

function notUtf8(): DatasetRefusal {
  return new DatasetRefusal(
    'is not UTF-8 text',
    'save it as UTF-8 (in a spreadsheet, "CSV UTF-8")',
  );
}
