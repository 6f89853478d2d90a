// OpenAI Chat Completions SSE chunks → Anthropic Messages SSE events, translated as each upstream
// chunk arrives (nothing is buffered beyond a partial SSE event, and that only up to MAX_EVENT_CHARS:
// a longer one ends the stream with an error event, as on the other SSE paths). The event sequence is Anthropic's:
//   message_start → (content_block_start, content_block_delta…, content_block_stop)* →
//   message_delta {stop_reason, usage} → message_stop
// Text deltas become `text_delta`s of a text block; a tool call (a delta carrying an id/name) opens
// a `tool_use` block whose argument fragments become `input_json_delta`s. A new block closes the
// previous one. Usage arrives at the end of an OpenAI stream (stream_options.include_usage), so
// message_start reports 0 input tokens and message_delta carries the real counts — the official
// SDK overwrites its snapshot with them. An upstream error chunk becomes an Anthropic `error` event
// (its message redacted like an upstream error body: error-message.ts).
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import { containsSecret, redactSecrets } from '../error-message.js';
import { readUsage, type CapturedUsage } from '../usage.js';
import { MAX_EVENT_CHARS, sseEventTooLong } from '../sse-relay.js';
import { messageId, stopReasonOf, type StopReason } from './translate-response.js';
import { toAnthropicUsage } from './usage.js';
import { anthropicSseError, sseEvent } from './sse-events.js';

type Json = Record<string, unknown>;

interface OpenBlock {
  kind: 'text' | 'tool_use';
  index: number;
  /** OpenAI tool-call index, for tool_use blocks */
  toolIndex?: number;
}

export class ChatToMessagesStream {
  usage: CapturedUsage | null = null;
  /** message of an error the upstream reported inside the stream */
  upstreamError: string | null = null;
  private readonly parser: EventSourceParser;
  private readonly decoder = new TextDecoder();
  private out = '';
  private started = false;
  private finished = false;
  private nextIndex = 0;
  private open: OpenBlock | null = null;
  private readonly toolBlocks = new Map<number, number>();
  private stopReason: StopReason | null = null;
  /** the parser gave up on an event longer than MAX_EVENT_CHARS */
  private tooLong = false;

  constructor(
    private readonly model: string,
    private readonly usageOf: (payload: Json) => unknown = (p) => p.usage,
    /** values that must never reach the client (the upstream key of this call) */
    private readonly secrets: readonly string[] = [],
  ) {
    this.parser = createParser({
      onEvent: (e) => this.onEvent(e),
      // a hostile upstream's "event" that never ends is not buffered without bound
      maxBufferSize: MAX_EVENT_CHARS,
      onError: (err) => {
        if (err.type === 'max-buffer-size-exceeded') this.tooLong = true;
      },
    });
  }

  /**
   * Feed upstream bytes; returns the Anthropic events to write now ('' when none are complete).
   * Throws an UpstreamFailure for a partial event beyond MAX_EVENT_CHARS (the relay then ends the
   * stream with `fail`).
   */
  push(chunk: Uint8Array): string {
    this.feed(this.decoder.decode(chunk, { stream: true }));
    return this.take();
  }

  /** The upstream ended: closes the message (message_delta + message_stop) if it was not closed. */
  end(): string {
    this.feed(this.decoder.decode());
    this.parser.reset({ consume: true });
    this.finish();
    return this.take();
  }

  /** The upstream failed mid-stream: what is pending plus an Anthropic error event. */
  fail(errorType: string, message: string): string {
    this.finished = true;
    return this.take() + anthropicSseError(errorType, message);
  }

  private feed(text: string): void {
    this.parser.feed(text);
    if (this.tooLong) throw sseEventTooLong();
  }

  private take(): string {
    const s = this.out;
    this.out = '';
    // an upstream that echoes its key in a delta: the key is not passed on (the events' JSON stays valid)
    return containsSecret(s, this.secrets) ? redactSecrets(s, this.secrets) : s;
  }

  private emit(type: string, data: Json): void {
    this.out += sseEvent(type, data);
  }

  private start(payload: Json): void {
    if (this.started) return;
    this.started = true;
    this.emit('message_start', {
      message: {
        id: messageId(payload.id),
        type: 'message',
        role: 'assistant',
        model: typeof payload.model === 'string' && payload.model ? payload.model : this.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, output_tokens: 0 },
      },
    });
  }

  private closeBlock(): void {
    if (!this.open) return;
    this.emit('content_block_stop', { index: this.open.index });
    this.open = null;
  }

  private openBlock(block: OpenBlock, contentBlock: Json): void {
    this.closeBlock();
    this.open = block;
    this.emit('content_block_start', { index: block.index, content_block: contentBlock });
  }

  private onEvent(e: EventSourceMessage): void {
    if (this.finished) return;
    const data = e.data.trim();
    if (data === '[DONE]') return this.finish();
    let payload: Json;
    try {
      const parsed: unknown = JSON.parse(data);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return;
      payload = parsed as Json;
    } catch {
      return;
    }
    // Usage first: an error chunk can still report the tokens (and cost) it was billed.
    const usage = readUsage(this.usageOf(payload));
    if (usage) this.usage = usage;
    if (payload.error || e.event === 'error') {
      const err = payload.error as { message?: unknown } | string | undefined;
      const message = typeof err === 'string' ? err : typeof err?.message === 'string' ? err.message : 'upstream stream error';
      this.upstreamError = redactSecrets(message, this.secrets);
      this.out += anthropicSseError('api_error', `Upstream stream failed: ${this.upstreamError}`);
      this.finished = true;
      return;
    }
    this.start(payload);
    const choices = Array.isArray(payload.choices) ? (payload.choices as Json[]) : [];
    const choice = choices.find((c) => (c?.index ?? 0) === 0);
    if (!choice) return;
    const delta = (choice.delta ?? {}) as Json;
    if (typeof delta.content === 'string' && delta.content !== '') this.text(delta.content);
    if (Array.isArray(delta.tool_calls)) for (const call of delta.tool_calls as Json[]) this.toolCall(call);
    const stop = stopReasonOf(choice.finish_reason);
    if (stop) this.stopReason = stop;
  }

  private text(text: string): void {
    if (this.open?.kind !== 'text') this.openBlock({ kind: 'text', index: this.nextIndex++ }, { type: 'text', text: '' });
    this.emit('content_block_delta', { index: this.open!.index, delta: { type: 'text_delta', text } });
  }

  private toolCall(call: Json): void {
    if (!call || typeof call !== 'object') return;
    const fn = (call.function ?? {}) as Json;
    const toolIndex = typeof call.index === 'number' ? call.index : (this.open?.kind === 'tool_use' && !call.id ? this.open.toolIndex! : this.toolBlocks.size);
    let index = this.toolBlocks.get(toolIndex);
    if (index === undefined) {
      index = this.nextIndex++;
      this.toolBlocks.set(toolIndex, index);
      this.openBlock({ kind: 'tool_use', index, toolIndex }, { type: 'tool_use', id: String(call.id ?? ''), name: String(fn.name ?? ''), input: {} });
    }
    if (typeof fn.arguments === 'string' && fn.arguments !== '') {
      this.emit('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: fn.arguments } });
    }
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.start({});
    this.closeBlock();
    const usage = toAnthropicUsage(this.usage);
    this.emit('message_delta', { delta: { stop_reason: this.stopReason ?? 'end_turn', stop_sequence: null }, usage });
    this.emit('message_stop', {});
  }
}

/**
 * The event sequence for a complete Anthropic Message — for an OpenAI-compatible upstream that
 * answered a streamed request with one JSON body (some servers ignore `stream`).
 */
export function messageToEvents(message: Json): string {
  const content = Array.isArray(message.content) ? (message.content as Json[]) : [];
  let out = sseEvent('message_start', { message: { ...message, content: [], stop_reason: null, stop_sequence: null } });
  content.forEach((block, index) => {
    if (block.type === 'tool_use') {
      out += sseEvent('content_block_start', { index, content_block: { ...block, input: {} } });
      out += sseEvent('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input ?? {}) } });
    } else {
      out += sseEvent('content_block_start', { index, content_block: { ...block, text: '' } });
      out += sseEvent('content_block_delta', { index, delta: { type: 'text_delta', text: String(block.text ?? '') } });
    }
    out += sseEvent('content_block_stop', { index });
  });
  out += sseEvent('message_delta', { delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: message.usage as Json });
  return out + sseEvent('message_stop', {});
}
