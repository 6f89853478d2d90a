// Writes an upstream answer to the client as it arrives: JSON bytes passed through (a copy kept
// to read `usage` after the response), or SSE events through the SseRelay (usage captured, the
// gateway's own usage chunk hidden, tool-call indexes repaired). Honours backpressure; a client
// that goes away ends the relay (the upstream request is aborted by the route's close listener).
// Errors after the stream started become an SSE `error` event, then the stream closes.
import type { ServerResponse } from 'node:http';
import { sseEventTooLong, type SseRelay } from '../upstream/sse-relay.js';
import { classifyUpstreamError, type UpstreamFailure } from '../upstream/client.js';
import type { UpstreamBody } from '../upstream/response-body.js';
import { sseErrorEvent, upstreamFailed, upstreamTimeout } from './errors.js';

export interface RelayResult {
  /** the upstream body failed after the response started (null when it ended normally or the client left) */
  failure: UpstreamFailure | null;
}

/**
 * Pumps `body` into `res` with one callback per chunk (cheaper than an async iterator):
 * `onChunk` returns what to write ('' / null for nothing, or `end` to finish the response with
 * it); backpressure pauses the upstream body; `onEnd` / `onError` decide how the response ends.
 */
function pump(
  res: ServerResponse,
  body: UpstreamBody,
  onChunk: (chunk: Buffer) => { data: string | Buffer | null; end?: boolean },
  onEnd: () => void,
  onError: (failure: UpstreamFailure) => void,
): Promise<RelayResult> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (failure: UpstreamFailure | null) => {
      if (settled) return;
      settled = true;
      resolve({ failure });
    };
    body.consume({
      data: (chunk) => {
        if (res.destroyed || res.writableEnded) return;
        const { data, end } = onChunk(chunk);
        if (end) {
          res.end(data ?? undefined);
          return;
        }
        if (data && !res.write(data) && !res.destroyed) {
          body.pause();
          res.once('drain', () => body.resume());
        }
      },
      end: () => {
        if (!res.destroyed && !res.writableEnded) onEnd();
        settle(null);
      },
      error: (err) => {
        if (res.destroyed) return settle(null);
        const failure = classifyUpstreamError(err);
        onError(failure);
        settle(failure);
      },
    });
    res.on('close', () => {
      // the client left: the route aborts the upstream request, which errors `body`
      if (!res.writableFinished) settle(null);
    });
  });
}

/** Bytes of a relayed JSON body copied for reading its usage; a longer body is relayed but not copied (no usage read). */
export const RESPONSE_COPY_LIMIT = 16 * 1024 * 1024;

/**
 * JSON (or any non-SSE) body: bytes through as they come; keeps a copy for usage parsing (up to
 * RESPONSE_COPY_LIMIT: beyond it the copy is dropped). When a chunk completes the announced
 * Content-Length it is written together with the end of the response (one socket write instead
 * of two — nothing is held back). A body that fails half-way can only be cut off (its headers are
 * already out).
 */
export function relayBody(res: ServerResponse, body: UpstreamBody, copy: Buffer[], contentLength: number, copyLimit = RESPONSE_COPY_LIMIT): Promise<RelayResult> {
  let seen = 0;
  return pump(
    res,
    body,
    (chunk) => {
      seen += chunk.length;
      if (seen <= copyLimit) copy.push(chunk);
      else if (copy.length) copy.length = 0;
      return { data: chunk, end: seen === contentLength };
    },
    () => res.end(),
    () => res.destroy(),
  );
}

/** SSE: complete events through the relay as they arrive; a failure ends with an SSE error event. */
export function relaySse(res: ServerResponse, body: UpstreamBody, relay: SseRelay): Promise<RelayResult> {
  return pump(
    res,
    body,
    (chunk) => {
      const data = relay.push(chunk);
      // an "event" that never ends: give up instead of buffering it (the error event follows)
      if (relay.overflow) body.destroy(sseEventTooLong());
      return { data: data || null };
    },
    () => res.end(relay.end() || undefined),
    (failure) => {
      const gw = failure.kind === 'timeout' ? upstreamTimeout(failure.phase ?? 'body') : upstreamFailed(`Upstream stream failed: ${failure.message}`);
      const rest = relay.end();
      res.end((rest ? rest + '\n\n' : '') + sseErrorEvent(gw));
    },
  );
}
