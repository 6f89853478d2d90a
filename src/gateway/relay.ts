// Writes an upstream answer to the client as it arrives: JSON bytes passed through (a copy kept
// to read `usage` after the response), or SSE events through the SseRelay (usage captured, the
// gateway's own usage chunk hidden, tool-call indexes repaired). Honours backpressure; a client
// that goes away ends the loop (the upstream request is aborted by the route's close listener).
// Errors after the stream started become an SSE `error` event, then the stream closes.
import type { ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { SseRelay } from '../upstream/sse-relay.js';
import { classifyUpstreamError, type UpstreamFailure } from '../upstream/client.js';
import { sseErrorEvent, upstreamFailed, upstreamTimeout } from './errors.js';

type Body = Dispatcher.ResponseData['body'];

function write(res: ServerResponse, data: string | Uint8Array): Promise<void> | undefined {
  if (res.write(data)) return undefined;
  if (res.destroyed) return undefined;
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

export interface RelayResult {
  /** the upstream body failed after the response started (null when it ended normally or the client left) */
  failure: UpstreamFailure | null;
}

/**
 * JSON (or any non-SSE) body: bytes through as they come; keeps a copy for usage parsing. When a
 * chunk completes the announced Content-Length it is written together with the end of the
 * response (one socket write instead of two — nothing is held back).
 */
export async function relayBody(res: ServerResponse, body: Body, copy: Buffer[], contentLength: number): Promise<RelayResult> {
  let seen = 0;
  try {
    for await (const chunk of body) {
      const buf = chunk as Buffer;
      copy.push(buf);
      seen += buf.length;
      if (seen === contentLength) {
        res.end(buf);
        continue;
      }
      const wait = write(res, buf);
      if (wait) await wait;
      if (res.destroyed) break;
    }
    if (!res.writableEnded) res.end();
    return { failure: null };
  } catch (err) {
    if (res.destroyed) return { failure: null };
    // Headers are out and the body is incomplete: all we can do is cut the connection.
    res.destroy();
    return { failure: classifyUpstreamError(err) };
  }
}

export async function relaySse(res: ServerResponse, body: Body, relay: SseRelay): Promise<RelayResult> {
  try {
    for await (const chunk of body) {
      const out = relay.push(chunk as Uint8Array);
      if (out) {
        const wait = write(res, out);
        if (wait) await wait;
      }
      if (res.destroyed) break;
    }
    const rest = relay.end();
    if (!res.destroyed) res.end(rest || undefined);
    return { failure: null };
  } catch (err) {
    if (res.destroyed) return { failure: null };
    const failure = classifyUpstreamError(err);
    const gw = failure.kind === 'timeout' ? upstreamTimeout(failure.phase ?? 'body') : upstreamFailed(`Upstream stream failed: ${failure.message}`);
    const rest = relay.end();
    res.end((rest ? rest + '\n\n' : '') + sseErrorEvent(gw));
    return { failure };
  }
}
