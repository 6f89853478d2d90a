// Writes an upstream SSE stream to an Anthropic-SDK client through a stream transform — the native
// tap (events byte for byte but for redacted error events, usage read) or the
// Chat-Completions→Messages translator — as each chunk arrives, honouring backpressure. A client
// that goes away ends the loop (the route's close listener aborts the upstream). A failure after
// the headers were sent becomes an Anthropic SSE `error` event, then the stream closes. (relay.ts's relaySse is tied to the OpenAI SseRelay.)
import type { ServerResponse } from 'node:http';
import { classifyUpstreamError, type UpstreamFailure } from '../upstream/client.js';

export interface StreamTransform {
  push(chunk: Uint8Array): string | Uint8Array;
  end(): string;
  fail(errorType: string, message: string): string;
}

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

export async function relayAnthropicSse(res: ServerResponse, body: AsyncIterable<Uint8Array>, transform: StreamTransform): Promise<{ failure: UpstreamFailure | null }> {
  try {
    for await (const chunk of body) {
      const out = transform.push(chunk as Uint8Array);
      if (out.length) {
        const wait = write(res, out);
        if (wait) await wait;
      }
      if (res.destroyed) break;
    }
    const rest = transform.end();
    if (!res.destroyed) res.end(rest || undefined);
    return { failure: null };
  } catch (err) {
    if (res.destroyed) return { failure: null };
    const failure = classifyUpstreamError(err);
    const event =
      failure.kind === 'timeout'
        ? transform.fail('timeout_error', `Upstream timed out (${failure.phase ?? 'body'})`)
        : transform.fail('api_error', `Upstream stream failed: ${failure.message}`);
    res.end(event);
    return { failure };
  }
}
