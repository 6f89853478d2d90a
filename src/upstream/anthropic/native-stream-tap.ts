// Watches a native Anthropic Messages SSE stream on its way to the client: complete events are
// passed on as they arrive, byte for byte (only a trailing partial event is held back until its
// blank line), and a copy is parsed for usage — input and cache counts from `message_start`, the
// cumulative counts (output_tokens, and input counts when present) from `message_delta` — and for
// an in-stream `error` event (a failed request for billing). Error events, and any event that
// contains the upstream key, are redacted before they reach the client (sse-redaction.ts, shared
// with the OpenAI relay: the redaction of upstream error bodies).
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import { redactSecrets } from '../error-message.js';
import { redactEvents } from '../sse-redaction.js';
import { MAX_EVENT_CHARS, sseEventTooLong } from '../sse-relay.js';
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
  private pending = '';

  /** `secrets`: values that must never reach the client (the upstream key of this call) */
  constructor(private readonly secrets: readonly string[] = []) {
    this.parser = createParser({ onEvent: (e) => this.onEvent(e) });
  }

  /** Feed upstream bytes; returns the complete events among them (to write to the client), unchanged unless redacted. Throws an UpstreamFailure for a partial event beyond MAX_EVENT_CHARS. */
  push(chunk: Uint8Array): string {
    const text = this.decoder.decode(chunk, { stream: true });
    this.parser.feed(text);
    const all = this.pending + text;
    const cut = lastEventEnd(all);
    this.pending = all.slice(cut);
    // Bounded here, not with the parser's maxBufferSize: `pending` is the tap's own raw copy of the
    // partial event (relayed as it came), which also holds comments and field lines the parser
    // does not count; the parser's buffer is a part of it, so this bounds both.
    if (this.pending.length > MAX_EVENT_CHARS) throw sseEventTooLong();
    return redactEvents(all.slice(0, cut), this.secrets);
  }

  /** The upstream ended: whatever partial event is left (normally ''). */
  end(): string {
    const text = this.decoder.decode();
    this.parser.feed(text);
    const rest = this.pending + text;
    this.pending = '';
    return redactEvents(rest, this.secrets);
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
      this.upstreamError = typeof err?.message === 'string' ? redactSecrets(err.message, this.secrets) : 'upstream stream error';
    }
  }
}

/** Index after the last blank line (an event's end) in `text`, 0 when there is none. */
function lastEventEnd(text: string): number {
  let end = 0;
  for (const sep of ['\n\n', '\r\n\r\n', '\r\r']) {
    const i = text.lastIndexOf(sep);
    if (i >= 0 && i + sep.length > end) end = i + sep.length;
  }
  return end;
}
