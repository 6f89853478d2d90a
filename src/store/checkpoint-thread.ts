// The checkpoint thread (checkpoints.ts): its own connection to the SQLite file, a PASSIVE WAL
// checkpoint every `everyMs`; 'stop' closes the connection and ends the thread. A checkpoint that
// meets a busy lock just copies less (passive mode does not wait); one that throws (an I/O error)
// is reported to the parent, each distinct message once in a row, and tried again next round.
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

const { file, everyMs } = workerData as { file: string; everyMs: number };
const db = new BetterSqlite3(file);
let lastError = '';
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    lastError = '';
  } catch (err) {
    const message = (err as Error).message;
    if (message !== lastError) parentPort!.postMessage({ error: message });
    lastError = message;
  }
}, everyMs);
parentPort!.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
