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

/** The JSON line that reports `dropped` lines (pino's shape: level label, time, pid, msg). */
function droppedLinesWarning(dropped: number, msg: string): string {
  return `${JSON.stringify({ level: 'warn', time: new Date().toISOString(), pid: process.pid, dropped, msg })}\n`;
}

/** Lines collected for one batched write, and how many were dropped while the writer was over its
 *  bound (shared by this writer and a cluster worker's log relay). */
export class LineBatch {
  private lines: string[] = [];
  /** characters collected (the bound and batch size are counted in these) */
  chars = 0;
  private dropped = 0;

  add(line: string): void {
    this.lines.push(line);
    this.chars += line.length;
  }

  drop(): void {
    this.dropped++;
  }

  get pending(): boolean {
    return this.lines.length > 0 || this.dropped > 0;
  }

  /** the lines as one text — then a warning line with the count of dropped ones, saying `why` — and empties the batch */
  take(why: string): string {
    let text = this.lines.join('');
    if (this.dropped > 0) text += droppedLinesWarning(this.dropped, why);
    this.lines = [];
    this.chars = 0;
    this.dropped = 0;
    return text;
  }
}

export class BatchedLineWriter {
  private readonly batch = new LineBatch();
  /** the batch being written (null: none) and how much of it is out */
  private current: Buffer | null = null;
  private offset = 0;
  /** an fs.write of `current` is running in the thread pool */
  private inPool = false;
  private retry: NodeJS.Timeout | null = null;
  /** a flush came while a write was under way: write the rest when it ends */
  private flushAfter = false;
  private idle: Array<() => void> = [];

  constructor(
    private readonly fd: number,
    private readonly io: WriteIo = fsIo,
  ) {}

  /** pino's destination interface: one JSON line with its newline */
  write(line: string): void {
    if (this.batch.chars > MAX_PENDING_CHARS) return this.batch.drop();
    this.batch.add(line);
    if (this.batch.chars >= BATCH_CHARS && !this.current) this.writeNext();
  }

  /** write what is collected (asynchronously; after the write under way, if any) */
  flush(): void {
    if (this.current) this.flushAfter = true;
    else if (this.batch.pending) this.writeNext();
  }

  /** resolves once everything written so far is out (or could not be written: stdout gone) */
  drain(): Promise<void> {
    this.flush();
    if (!this.current) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** write what is collected now, blocking (process exit). A batch waiting to retry goes first; one
   *  whose write is running in the thread pool is left to it (writing it again could double it). */
  flushSync(): void {
    if (this.current && !this.inPool) {
      if (this.retry) clearTimeout(this.retry);
      this.retry = null;
      const rest = this.current.subarray(this.offset);
      this.current = null;
      this.writeSyncAll(rest);
    }
    if (this.batch.pending) this.writeSyncAll(this.take());
  }

  private writeSyncAll(buf: Buffer): void {
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
    return Buffer.from(this.batch.take('log lines dropped: stdout was not being read'));
  }

  private writeNext(): void {
    this.flushAfter = false;
    this.current = this.take();
    this.offset = 0;
    this.writeCurrent();
  }

  private writeCurrent(): void {
    const buf = this.current!;
    this.retry = null;
    this.inPool = true;
    this.io.write(this.fd, buf, this.offset, buf.length - this.offset, (err, written) => {
      this.inPool = false;
      if (this.current !== buf) return; // flushSync took it over
      if (err) {
        if (err.code === 'EAGAIN') {
          this.retry = setTimeout(() => this.writeCurrent(), RETRY_MS);
          this.retry.unref();
          return;
        }
        // stdout is gone (EPIPE, EBADF): nothing can be written, the batch is lost
      } else if (this.offset + written < buf.length) {
        this.offset += written;
        this.writeCurrent();
        return;
      }
      this.current = null;
      if (this.batch.chars >= BATCH_CHARS || (this.flushAfter && this.batch.pending)) this.writeNext();
      else for (const done of this.idle.splice(0)) done();
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
