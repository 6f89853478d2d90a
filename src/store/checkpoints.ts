// WAL checkpoints of the server's SQLite file, in a worker thread. A checkpoint copies the WAL's
// pages into the database file and fsyncs both; SQLite runs one automatically inside whichever
// commit crosses 1,000 WAL pages — at thousands of usage rows a second, once or more a second,
// on the event loop's thread, for the length of two fsyncs (0.4–3 ms here, far more on a busy
// disk). So a thread with its own connection runs a PASSIVE checkpoint every second (passive: never
// waits for, nor blocks, readers and writers), and the server's connection checkpoints by itself
// only past 16,384 pages (64 MB): a bound for when the thread falls behind. (Under the bench's
// load the WAL file peaked at 27–54 MB, against 4.5 MB when commits checkpoint at SQLite's default
// of 1,000 pages; the file is reused from its start, not grown, once a checkpoint has copied it
// all.) If the thread dies, the default 1,000 pages comes back.
import { Worker } from 'node:worker_threads';
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

export const CHECKPOINT_EVERY_MS = 1000;
/** WAL pages after which a commit of the server's connection checkpoints by itself while the thread runs */
export const BACKSTOP_AUTOCHECKPOINT = 16_384;
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

export interface Checkpointer {
  stop(): Promise<void>;
}

// The thread's entry, next to this file: .js in dist/, .ts when src/ runs through tsx — whose
// loader a worker does not inherit on Node 20, so the thread registers it before importing.
function threadCode(): string {
  const ts = import.meta.url.endsWith('.ts');
  const entry = new URL(ts ? './checkpoint-thread.ts' : './checkpoint-thread.js', import.meta.url).href;
  return ts
    ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`
    : `import(${JSON.stringify(entry)})`;
}

export async function startCheckpoints(db: Kysely<Database>, file: string, everyMs = CHECKPOINT_EVERY_MS): Promise<Checkpointer> {
  await sql`pragma wal_autocheckpoint = ${sql.raw(String(BACKSTOP_AUTOCHECKPOINT))}`.execute(db);
  const worker = new Worker(threadCode(), { eval: true, workerData: { file, everyMs } });
  worker.unref(); // it never keeps the process alive
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    const gone = () => {
      if (!stopping) void sql`pragma wal_autocheckpoint = ${sql.raw(String(SQLITE_DEFAULT_AUTOCHECKPOINT))}`.execute(db).catch(() => undefined);
      resolve();
    };
    worker.once('exit', gone);
    worker.on('error', () => undefined); // 'exit' follows
  });
  return {
    async stop() {
      if (stopping) return exited;
      stopping = true;
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
