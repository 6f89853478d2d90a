// One upstream request through undici's dispatch API, answered with the status, headers and an
// UpstreamBody (response-body.ts) instead of undici's `request()` and its Readable body: the same
// pools, timeouts and errors, without a stream per response. Aborting `signal` aborts the request
// at any point: before it was sent, while waiting for headers (the promise rejects with the
// signal's reason), or while the body is read (the body's reader gets the reason).
import type { Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import { UpstreamBody } from './response-body.js';
import { abortedError, type UpstreamSignal } from './abort.js';

export interface DispatchedResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: UpstreamBody;
}

function reasonOf(signal: UpstreamSignal): Error {
  const r = signal.reason as unknown;
  return r instanceof Error ? r : abortedError();
}

/** Subscribes to a signal's abort (an AbortSignal or the gateway's UpstreamAbort); returns the unsubscribe. */
function onAbort(signal: UpstreamSignal, listener: () => void): () => void {
  if ('addEventListener' in signal) {
    signal.addEventListener('abort', listener, { once: true });
    return () => signal.removeEventListener('abort', listener);
  }
  signal.once('abort', listener);
  return () => signal.removeListener('abort', listener);
}

class BodyHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private body: UpstreamBody | null = null;
  /** the signal fired before undici handed out the controller: abort as soon as it does */
  private pendingAbort: Error | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    signal: UpstreamSignal,
    private readonly resolve: (res: DispatchedResponse) => void,
    private readonly reject: (err: unknown) => void,
  ) {
    this.unsubscribe = onAbort(signal, () => {
      const reason = reasonOf(signal);
      if (this.controller) this.controller.abort(reason);
      else this.pendingAbort = reason;
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.pendingAbort) controller.abort(this.pendingAbort);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200) return; // informational (100-continue, 103): the real answer follows
    this.body = new UpstreamBody(controller);
    this.resolve({ statusCode, headers, body: this.body });
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.body?.push(chunk);
  }

  onResponseEnd(): void {
    this.unsubscribe();
    this.body?.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.failed(err);
  }

  /** The request failed (or `dispatch` threw): before the response started the promise rejects, after it the body's reader gets the error. */
  failed(err: Error): void {
    this.unsubscribe();
    if (this.body) this.body.fail(err);
    else this.reject(err);
  }
}

/** Sends `options` on `dispatcher`; rejects with undici's (or the signal's) error before a response started. */
export function dispatchRequest(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, signal: UpstreamSignal): Promise<DispatchedResponse> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(reasonOf(signal));
    const handler = new BodyHandler(signal, resolve, reject);
    try {
      dispatcher.dispatch(options, handler);
    } catch (err) {
      handler.failed(err as Error);
    }
  });
}
