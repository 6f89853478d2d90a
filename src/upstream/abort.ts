// A light abort handle for upstream calls. undici accepts an EventEmitter with `aborted`/`reason`
// as its `signal`; in Node 20 an AbortController costs ~10 µs to create (EventTarget machinery),
// which is a measurable share of the gateway's per-request budget. The gateway aborts through
// this when the client disconnects.
import { EventEmitter } from 'node:events';

/** The error an aborted upstream call ends with (the shape undici uses: classified as `aborted`). */
export function abortedError(): Error {
  return Object.assign(new Error('request aborted'), { name: 'AbortError', code: 'UND_ERR_ABORTED' });
}

export class UpstreamAbort extends EventEmitter {
  aborted = false;
  reason: Error | undefined = undefined;

  abort(reason?: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason ?? abortedError();
    this.emit('abort');
  }
}

/** Anything undici accepts as a signal. */
export type UpstreamSignal = AbortSignal | UpstreamAbort;
