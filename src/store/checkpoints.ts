// WAL checkpoints of the server's SQLite file, in a worker thread. A checkpoint copies the WAL's
// pages into the database file and fsyncs both; SQLite runs one automatically inside whichever
// commit crosses 1,000 WAL pages — at thousands of usage rows a second, once or more a second,
// on the event loop's thread, for the length of two fsyncs (0.4–3 ms here, far more on a busy
// disk). So a thread with its own connection runs a PASSIVE checkpoint every second (passive: never
// waits for, nor blocks, readers and writers), and the server's own commits checkpoint only past
// 16,384 pages (64 MB). The WAL is reused from its start only after a checkpoint that finished
// between two commits; under the bench's load that happens often enough that the file peaked at
// 27–54 MB (4.5 MB with the default), while commits with no gap between them (a tight write loop)
// grow it to the 64 MB bound, where a commit checkpoints again — copying only the pages the thread
// has not. The file keeps its largest size. If the thread ends, the default 1,000 pages comes back.
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

function setAutocheckpoint(db: Kysely<Database>, pages: number): Promise<unknown> {
  return sql`pragma wal_autocheckpoint = ${sql.raw(String(pages))}`.execute(db);
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

/**
 * Starts the thread for `file` (the database `db` is connected to). `onError` hears what goes wrong
 * in it: a checkpoint that failed (each distinct message once in a row) and the thread ending
 * without being asked to.
 */
export async function startCheckpoints(
  db: Kysely<Database>,
  file: string,
  options: { everyMs?: number; onError?: (message: string) => void } = {},
): Promise<Checkpointer> {
  const worker = new Worker(threadCode(), { eval: true, workerData: { file, everyMs: options.everyMs ?? CHECKPOINT_EVERY_MS } });
  const report = options.onError ?? (() => undefined);
  let stopping = false;
  let lastError = '';
  worker.on('message', (m: { error?: string }) => {
    if (typeof m?.error === 'string') report(`WAL checkpoint failed: ${m.error}`);
  });
  worker.on('error', (err) => {
    lastError = err.message; // 'exit' follows
  });
  worker.unref(); // it never keeps the process alive; after the 'message' listener, which refs the worker again

  const exited = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      if (!stopping) {
        report(`checkpoint thread ended${lastError ? `: ${lastError}` : ''}; commits checkpoint at SQLite's default again`);
        setAutocheckpoint(db, SQLITE_DEFAULT_AUTOCHECKPOINT).catch(() => undefined);
      }
      resolve();
    });
  });
  await setAutocheckpoint(db, BACKSTOP_AUTOCHECKPOINT);
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
