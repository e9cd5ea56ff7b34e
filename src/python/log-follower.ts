import { open, type FileHandle } from 'node:fs/promises';

/**
 * Follows a log file that another process appends to, calling `onLine` for
 * each complete line. Polling keeps it simple and works for output of a
 * forked process that we do not hold a pipe to.
 */
export class LogFollower {
  private handle?: FileHandle;
  private offset = 0;
  private partial = '';
  private timer?: NodeJS.Timeout;
  private reading = Promise.resolve();
  readonly lines: string[] = [];

  constructor(
    private readonly file: string,
    private readonly onLine: (line: string) => void,
    private readonly intervalMs = 200,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.poll(), this.intervalMs);
  }

  /** Reads what is left and stops. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.poll();
    await this.reading;
    if (this.partial !== '') this.emit(this.partial);
    this.partial = '';
    await this.handle?.close();
  }

  private poll(): void {
    this.reading = this.reading.then(() => this.readMore()).catch(() => undefined);
  }

  private async readMore(): Promise<void> {
    this.handle ??= await open(this.file, 'r').catch(() => undefined);
    if (!this.handle) return;
    const buffer = Buffer.alloc(64 * 1024);
    for (;;) {
      const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, this.offset);
      if (bytesRead === 0) return;
      this.offset += bytesRead;
      const text = this.partial + buffer.subarray(0, bytesRead).toString('utf8');
      const parts = text.split('\n');
      this.partial = parts.pop() ?? '';
      parts.forEach((line) => this.emit(line));
    }
  }

  private emit(line: string): void {
    // Keep the tail only: an error message is in the last lines.
    this.lines.push(line);
    if (this.lines.length > 200) this.lines.shift();
    this.onLine(line);
  }
}
