// The process's stdout for pino: lines are collected in an array and written in ≥ 32 KB chunks, one
// asynchronous write at a time (each is a hand-off to libuv's thread pool, so one per ~80 requests
// instead of one each), at least every second so a quiet server's lines still appear promptly, and
// synchronously when the process exits. Not pino.destination({ minLength }): sonic-boom appends
// every line to one growing string and measures its byte length on each write — O(batch) work per
// line, ~20 µs a line at 32 KB, more than the rest of a pass-through request's logging. Bounded:
// while stdout does not drain (a full pipe nobody reads), lines past 16 MB are dropped and counted
// in a warning line written once it drains.
import { write as fsWrite, writeSync as fsWriteSync } from 'node:fs';

const BATCH_CHARS = 32 * 1024;
const MAX_PENDING_CHARS = 16 * 1024 * 1024;
const FLUSH_EVERY_MS = 1000;
const RETRY_MS = 10;

/** fs.write / fs.writeSync, replaceable in tests (partial writes, EAGAIN) */
export interface WriteIo {
  write(fd: number, buf: Buffer, offset: number, length: number, cb: (err: NodeJS.ErrnoException | null, written: number) => void): void;
  writeSync(fd: number, buf: Buffer, offset: number, length: number): number;
}

const fsIo: WriteIo = {
  write: (fd, buf, offset, length, cb) => fsWrite(fd, buf, offset, length, null, cb),
  writeSync: (fd, buf, offset, length) => fsWriteSync(fd, buf, offset, length),
};

export class BatchedLineWriter {
  private lines: string[] = [];
  private chars = 0;
  private dropped = 0;
  private writing = false;
  /** a flush came while a write was under way: write the rest when it ends */
  private flushAfter = false;

  constructor(
    private readonly fd: number,
    private readonly io: WriteIo = fsIo,
  ) {}

  /** pino's destination interface: one JSON line with its newline */
  write(line: string): void {
    if (this.chars > MAX_PENDING_CHARS) {
      this.dropped++;
      return;
    }
    this.lines.push(line);
    this.chars += line.length;
    if (this.chars >= BATCH_CHARS && !this.writing) this.writeNext();
  }

  /** write what is collected (asynchronously; after the write under way, if any) */
  flush(): void {
    if (this.writing) this.flushAfter = true;
    else if (this.lines.length > 0 || this.dropped > 0) this.writeNext();
  }

  /** write what is collected now, blocking (process exit); a write already under way is left to finish */
  flushSync(): void {
    if (this.lines.length === 0 && this.dropped === 0) return;
    const buf = this.take();
    let offset = 0;
    const giveUp = Date.now() + 1000;
    while (offset < buf.length) {
      try {
        offset += this.io.writeSync(this.fd, buf, offset, buf.length - offset);
      } catch (err) {
        // a non-blocking pipe that is full: wait a little, but never hang the exit
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN' || Date.now() > giveUp) return;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RETRY_MS);
      }
    }
  }

  private take(): Buffer {
    let text = this.lines.join('');
    if (this.dropped > 0) {
      text += `${JSON.stringify({ level: 'warn', time: new Date().toISOString(), pid: process.pid, dropped: this.dropped, msg: 'log lines dropped: stdout was not being read' })}\n`;
      this.dropped = 0;
    }
    this.lines = [];
    this.chars = 0;
    return Buffer.from(text);
  }

  private writeNext(): void {
    this.writing = true;
    this.flushAfter = false;
    this.writeFrom(this.take(), 0);
  }

  private writeFrom(buf: Buffer, offset: number): void {
    this.io.write(this.fd, buf, offset, buf.length - offset, (err, written) => {
      if (err) {
        if (err.code === 'EAGAIN') {
          setTimeout(() => this.writeFrom(buf, offset), RETRY_MS).unref();
          return;
        }
        // stdout is gone (EPIPE, EBADF): nothing can be written, the batch is lost
      } else if (offset + written < buf.length) {
        this.writeFrom(buf, offset + written);
        return;
      }
      this.writing = false;
      const more = this.chars >= BATCH_CHARS || (this.flushAfter && (this.lines.length > 0 || this.dropped > 0));
      this.flushAfter = false;
      if (more) this.writeNext();
    });
  }
}

let stdout: BatchedLineWriter | null = null;

/** The one stdout writer of this process (every logger built here shares it). */
export function stdoutLines(): BatchedLineWriter {
  if (!stdout) {
    const writer = new BatchedLineWriter(1);
    setInterval(() => writer.flush(), FLUSH_EVERY_MS).unref();
    process.on('exit', () => writer.flushSync());
    stdout = writer;
  }
  return stdout;
}
