// Relays an upstream's Server-Sent Events to the client event by event, as they arrive: each
// complete event is passed on byte for byte unless it needs one of four things —
//   * its `usage` is read (always, error events too) so billing sees the upstream's token counts
//     and cost;
//   * the usage-only chunk (`choices: []`) is dropped when the gateway, not the client, asked for
//     it with stream_options.include_usage;
//   * tool-call deltas without `index` (some OpenAI-compatible servers omit it) get one, so SDKs
//     that accumulate tool calls by index work;
//   * an error event (`event: error`, or a payload with `error`) — and any event that contains
//     the upstream key itself — is redacted (sse-redaction.ts, shared with the native Anthropic
//     tap: the same redaction as a non-streamed error body), because upstreams echo request
//     headers in error messages.
// Only a trailing partial event is held back until its terminating blank line arrives (bounded:
// an "event" beyond MAX_EVENT_CHARS without a blank line ends the stream as a protocol error).
// Comments and keep-alives (`: ping`) are passed on. A substring pre-check keeps the common chunk
// free of JSON parsing. (eventsource-parser cannot hand back the raw bytes of an event nor drop
// one, so the framing here is a small purpose-built splitter; it follows the SSE spec's line rules.)
import { containsSecret } from './error-message.js';
import { eventData, isErrorEventLine, mayHoldErrorEvent, redactEvent } from './sse-redaction.js';
import { readUsage, type CapturedUsage } from './usage.js';
import { UpstreamFailure } from './client.js';

/** The longest partial event held back (characters) before the stream is given up as broken. */
export const MAX_EVENT_CHARS = 4 * 1024 * 1024;

/** The failure a stream ends with when an event grows beyond MAX_EVENT_CHARS (every SSE reader). */
export function sseEventTooLong(): UpstreamFailure {
  return new UpstreamFailure('protocol', 'an SSE event longer than the gateway accepts');
}

export interface SseRelayOptions {
  /** drop the usage-only chunk (the client did not ask for usage) */
  hideUsageChunk: boolean;
  /** where the provider puts usage in a chunk (default `usage`) */
  usageOf?: (payload: Record<string, unknown>) => unknown;
  /** values that must never reach the client (the upstream key of this call) */
  secrets?: readonly string[];
}

interface ToolState {
  count: number;
  last: number;
}

/** `data` parsed when it is a JSON object, else null. */
function jsonObject(data: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(data);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export class SseRelay {
  usage: CapturedUsage | null = null;
  /** the upstream sent `data: [DONE]` */
  done = false;
  /** message of an error the upstream reported inside the stream (redacted) */
  upstreamError: string | null = null;
  /** a partial event grew beyond MAX_EVENT_CHARS: the relay gives up on the stream */
  overflow = false;
  private pending = '';
  private readonly secrets: readonly string[];
  private readonly decoder = new TextDecoder();
  private readonly tools = new Map<number, ToolState>();
  private readonly usageOf: (payload: Record<string, unknown>) => unknown;

  constructor(private readonly opts: SseRelayOptions) {
    this.usageOf = opts.usageOf ?? ((p) => p.usage);
    this.secrets = opts.secrets ?? [];
  }

  /** Feed upstream bytes; returns the text to write to the client now ('' when nothing is complete). */
  push(chunk: Uint8Array): string {
    let text = this.pending + this.decoder.decode(chunk, { stream: true });
    if (text.includes('\r')) {
      // A trailing '\r' may be the first half of a CRLF split across chunks: keep it for later.
      const hold = text.endsWith('\r') ? '\r' : '';
      text = (hold ? text.slice(0, -1) : text).replace(/\r\n?/g, '\n') + hold;
    }
    const boundary = text.lastIndexOf('\n\n');
    if (boundary < 0) {
      this.pending = text;
      if (text.length > MAX_EVENT_CHARS) {
        this.pending = '';
        this.overflow = true;
      }
      return '';
    }
    const complete = text.slice(0, boundary + 2);
    this.pending = text.slice(boundary + 2);
    if (
      !complete.includes('"usage"') &&
      !complete.includes('"tool_calls"') &&
      !complete.includes('"error"') &&
      !mayHoldErrorEvent(complete) &&
      !complete.includes('[DONE]') &&
      !containsSecret(complete, this.secrets)
    ) {
      return complete;
    }
    let out = '';
    for (const event of complete.split('\n\n')) {
      if (event === '') continue;
      const processed = this.processEvent(event);
      if (processed !== null) out += processed + '\n\n';
    }
    return out;
  }

  /** The upstream ended: whatever partial event is left (normally ''), processed like a complete one. */
  end(): string {
    const rest = this.pending + this.decoder.decode();
    this.pending = '';
    if (rest.trim() === '') return rest;
    return this.processEvent(rest.replace(/\n+$/, '')) ?? '';
  }

  /** returns the event text to send (without its terminator), or null to drop it */
  private processEvent(event: string): string | null {
    const out = this.transform(event);
    if (out === null || !containsSecret(out, this.secrets)) return out;
    return redactEvent(out.split('\n'), this.secrets).text;
  }

  private transform(event: string): string | null {
    const lines = event.split('\n');
    const data = eventData(lines);
    const isErrorEvent = lines.some(isErrorEventLine);
    if (data === null) return isErrorEvent ? this.redacted(lines) : event;
    if (!isErrorEvent && data.trim() === '[DONE]') {
      this.done = true;
      return event;
    }
    const mayMatter = isErrorEvent || data.includes('"usage"') || data.includes('"tool_calls"') || data.includes('"error"');
    if (!mayMatter) return event;
    const payload = jsonObject(data);
    // Usage before redaction: an error event can still report the tokens (and cost) it was billed.
    const usage = payload ? readUsage(this.usageOf(payload)) : null;
    if (usage) this.usage = usage;
    if (isErrorEvent || payload?.error) return this.redacted(lines);
    if (!payload) return event;
    if (usage && this.opts.hideUsageChunk && Array.isArray(payload.choices) && payload.choices.length === 0) return null;
    if (this.fixToolCallIndexes(payload)) {
      const kept = lines.filter((l) => !l.startsWith('data:'));
      kept.push(`data: ${JSON.stringify(payload)}`);
      return kept.join('\n');
    }
    return event;
  }

  /** An error event, redacted (sse-redaction.ts); its message is noted for billing and logs. */
  private redacted(lines: string[]): string {
    const { text, data } = redactEvent(lines, this.secrets);
    let message = 'upstream stream error';
    try {
      const err = (JSON.parse(data) as { error?: { message?: unknown } | string }).error;
      if (typeof err === 'string') message = err;
      else if (typeof err?.message === 'string') message = err.message;
    } catch {
      if (data.trim()) message = data.trim().slice(0, 500);
    }
    this.upstreamError = message;
    return text;
  }

  /** gives every tool-call delta an `index`; true when something was added */
  private fixToolCallIndexes(payload: Record<string, unknown>): boolean {
    if (!Array.isArray(payload.choices)) return false;
    let changed = false;
    for (const choice of payload.choices as Array<Record<string, unknown>>) {
      const calls = (choice?.delta as { tool_calls?: unknown } | undefined)?.tool_calls;
      if (!Array.isArray(calls)) continue;
      const key = typeof choice.index === 'number' ? choice.index : 0;
      let state = this.tools.get(key);
      if (!state) this.tools.set(key, (state = { count: 0, last: -1 }));
      for (const call of calls as Array<Record<string, unknown>>) {
        if (!call || typeof call !== 'object') continue;
        if (typeof call.index === 'number') {
          state.last = call.index;
          state.count = Math.max(state.count, call.index + 1);
          continue;
        }
        if (call.id || state.last < 0) {
          state.last = state.count++;
        }
        call.index = state.last;
        changed = true;
      }
    }
    return changed;
  }
}
