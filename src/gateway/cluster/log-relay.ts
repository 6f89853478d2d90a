// A worker's log destination: lines are batched and sent to the primary, the one process that
// writes stdout. Several processes writing one stdout can split each other's lines (a pipe keeps
// only writes of ≤ 4 KB whole, and a batch is 32 KB); one writer keeps every line whole. Batches
// go out at 32 KB or every 200 ms. Lines that find the primary gone are written to stdout
// directly; when the primary stops reading, lines beyond 8 MB in flight are dropped and counted
// in a warning line (a log must never grow the worker's memory without bound).
import { writeSync } from 'node:fs';
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

function writeDirect(chunk: string): void {
  try {
    writeSync(1, chunk);
  } catch {
    /* stdout is gone as well: nowhere left to write */
  }
}

export function createLogRelay(channel: Channel = process as unknown as Channel): LogRelay {
  let lines: string[] = [];
  let bytes = 0;
  let inFlight = 0;
  let dropped = 0;
  // sends are delivered in order, so the newest one's hand-off means every earlier one is out too
  let lastSend: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    if (lines.length === 0 && dropped === 0) return lastSend;
    let chunk = lines.join('');
    if (dropped > 0) {
      chunk += `${JSON.stringify({ level: 'warn', time: new Date().toISOString(), pid: process.pid, dropped, msg: 'log relay: lines dropped while the primary was not reading' })}\n`;
      dropped = 0;
    }
    const size = bytes;
    lines = [];
    bytes = 0;
    if (!channel.connected) {
      writeDirect(chunk);
      return Promise.resolve();
    }
    inFlight += size;
    lastSend = new Promise((resolve) => {
      channel.send({ oc: 'log', chunk }, (err) => {
        inFlight -= size;
        if (err) writeDirect(chunk);
        resolve();
      });
    });
    return lastSend;
  };
  setInterval(() => void flush(), 200).unref();
  return {
    write(line: string) {
      if (inFlight > MAX_IN_FLIGHT_BYTES) {
        dropped++;
        return;
      }
      lines.push(line);
      bytes += line.length;
      if (bytes >= BATCH_BYTES) void flush();
    },
    flush,
  };
}
