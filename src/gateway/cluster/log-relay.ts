// A worker's log destination: lines are batched and sent to the primary, the one process that
// writes stdout. Several processes writing one stdout can split each other's lines (a pipe keeps
// only writes of ≤ 4 KB whole, and a batch is 32 KB); one writer keeps every line whole. Batches
// go out at 32 KB or every 200 ms. Lines that find the primary gone go to this process's own
// stdout writer (log-destination.ts); when the primary stops reading, lines beyond 8 MB in flight are dropped and counted
// in a warning line (a log must never grow the worker's memory without bound).
import { LineBatch, stdoutLines } from '../log-destination.js';
import type { WorkerMessage } from './protocol.js';

const BATCH_BYTES = 32 * 1024;
const MAX_IN_FLIGHT_BYTES = 8 * 1024 * 1024;

export interface LogRelay {
  /** pino's destination interface: one JSON line (with its newline) */
  write(line: string): void;
  /** send what is batched; resolves once it and every earlier batch are handed to the channel */
  flush(): Promise<void>;
}

interface Channel {
  readonly connected: boolean;
  send(message: Extract<WorkerMessage, { oc: 'log' }>, callback: (err: Error | null) => void): boolean;
}

export function createLogRelay(channel: Channel = process as unknown as Channel): LogRelay {
  const batch = new LineBatch();
  let inFlight = 0;
  // sends are delivered in order, so the newest one's hand-off means every earlier one is out too
  let lastSend: Promise<void> = Promise.resolve();
  const take = () => batch.take('log relay: lines dropped while the primary was not reading');
  const flush = (): Promise<void> => {
    const fresh = batch.pending;
    if (!channel.connected) {
      if (fresh) stdoutLines().write(take());
      return stdoutLines().drain();
    }
    if (!fresh) return lastSend;
    const size = batch.chars;
    const chunk = take();
    inFlight += size;
    lastSend = new Promise((resolve) => {
      channel.send({ oc: 'log', chunk }, (err) => {
        inFlight -= size;
        if (err) stdoutLines().write(chunk);
        resolve();
      });
    });
    return lastSend;
  };
  setInterval(() => void flush(), 200).unref();
  return {
    write(line: string) {
      if (inFlight > MAX_IN_FLIGHT_BYTES) return batch.drop();
      batch.add(line);
      if (batch.chars >= BATCH_BYTES) void flush();
    },
    flush,
  };
}
