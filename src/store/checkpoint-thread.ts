// The checkpoint thread (checkpoints.ts): its own connection to the SQLite file, a PASSIVE WAL
// checkpoint every `everyMs`; 'stop' closes the connection and ends the thread.
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

const { file, everyMs } = workerData as { file: string; everyMs: number };
const db = new BetterSqlite3(file);
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // the database is being closed or is locked in a way passive mode does not wait for: next round
  }
}, everyMs);
parentPort!.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
