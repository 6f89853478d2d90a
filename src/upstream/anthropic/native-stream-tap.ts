// Watches a native Anthropic Messages SSE stream on its way to the client without changing a byte:
// every chunk is passed on as it arrives, and a copy is parsed for usage — input and cache counts
// from `message_start`, the cumulative counts (output_tokens, and input counts when present) from
// `message_delta` — and for an in-stream `error` event (a failed request for billing).
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import type { CapturedUsage } from '../usage.js';
import { readAnthropicUsage } from './usage.js';
import { anthropicSseError } from './sse-events.js';

type Json = Record<string, unknown>;

export class NativeStreamTap {
  /** message of an `error` event the upstream sent */
  upstreamError: string | null = null;
  private readonly raw: Json = {};
  private seen = false;
  private readonly parser: EventSourceParser;
  private readonly decoder = new TextDecoder();

  constructor() {
    this.parser = createParser({ onEvent: (e) => this.onEvent(e) });
  }

  /** Feed upstream bytes; returns them unchanged (to write to the client). */
  push(chunk: Uint8Array): Uint8Array {
    this.parser.feed(this.decoder.decode(chunk, { stream: true }));
    return chunk;
  }

  end(): string {
    this.parser.feed(this.decoder.decode());
    return '';
  }

  /** The upstream failed mid-stream: an Anthropic error event for the client. */
  fail(errorType: string, message: string): string {
    return anthropicSseError(errorType, message);
  }

  get usage(): CapturedUsage | null {
    return this.seen ? readAnthropicUsage(this.raw) : null;
  }

  private merge(u: unknown): void {
    if (!u || typeof u !== 'object') return;
    for (const [k, v] of Object.entries(u as Json)) {
      if (typeof v === 'number') this.raw[k] = v;
      // the cache writes by lifetime (`cache_creation: {ephemeral_5m_input_tokens, ephemeral_1h_input_tokens}`)
      else if (k === 'cache_creation' && v && typeof v === 'object') this.raw[k] = { ...(v as Json) };
    }
    this.seen = true;
  }

  private onEvent(e: EventSourceMessage): void {
    const type = e.event;
    if (type !== 'message_start' && type !== 'message_delta' && type !== 'error') return;
    let payload: Json;
    try {
      payload = JSON.parse(e.data) as Json;
    } catch {
      return;
    }
    if (type === 'message_start') this.merge((payload.message as Json | undefined)?.usage);
    else if (type === 'message_delta') this.merge(payload.usage);
    else {
      const err = payload.error as { message?: unknown } | undefined;
      this.upstreamError = typeof err?.message === 'string' ? err.message : 'upstream stream error';
    }
  }
}
