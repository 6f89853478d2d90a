// WAL checkpoints of the server's SQLite file, in a worker thread. A checkpoint copies the WAL's
// pages into the database file and fsyncs both; SQLite runs one automatically inside whichever
// commit crosses 1,000 WAL pages — at thousands of usage rows a second that is about once a second,
// on the event loop's thread, for the length of two fsyncs (0.4–3 ms here, far more on a busy
// disk). So the server's connection turns automatic checkpoints off and a thread with its own
// connection runs a PASSIVE checkpoint every second (passive: never waits for, nor blocks, readers
// and writers). If the thread dies, automatic checkpoints are turned back on, so the WAL stays bounded.
import { Worker } from 'node:worker_threads';
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

export const CHECKPOINT_EVERY_MS = 1000;
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
  await sql`pragma wal_autocheckpoint = 0`.execute(db);
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
