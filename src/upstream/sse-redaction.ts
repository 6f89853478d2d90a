// The redaction of upstream SSE events before they reach a client — one copy for the OpenAI relay
// (sse-relay.ts) and the native Anthropic tap (anthropic/native-stream-tap.ts). An error event
// (`event: error`) or any event that contains the upstream key has every non-`data:` line redacted
// as text and its data redacted as JSON (error-message.ts: the redaction of upstream error
// bodies), written back as `data:` lines; every other event is left byte for byte.
import { containsSecret, redactJsonText, redactSecrets } from './error-message.js';

/** An event's `event: error` line (the type is `error`). */
export function isErrorEventLine(line: string): boolean {
  return line === 'event: error' || line === 'event:error';
}

/** A substring pre-check on one or more events: may one of them be an `event: error`? */
export function mayHoldErrorEvent(text: string): boolean {
  return text.includes('event: error') || text.includes('event:error');
}

/** The data of an event's lines (its `data:` lines joined by newlines); null when it has none. */
export function eventData(lines: readonly string[]): string | null {
  let data: string | null = null;
  for (const line of lines) {
    if (!line.startsWith('data:')) continue;
    const value = line.startsWith('data: ') ? line.slice(6) : line.slice(5);
    data = data === null ? value : data + '\n' + value;
  }
  return data;
}

/**
 * One event (its LF-separated lines, without the terminating blank line) redacted; `data` is the
 * redacted data, for reading the error's message.
 */
export function redactEvent(lines: readonly string[], secrets: readonly string[]): { text: string; data: string } {
  const raw = eventData(lines);
  const kept = lines.filter((l) => !l.startsWith('data:')).map((l) => redactSecrets(l, secrets));
  const data = raw === null || raw === '' ? '' : redactJsonText(raw, secrets);
  if (data !== '') for (const l of data.split('\n')) kept.push(`data: ${l}`);
  return { text: kept.join('\n'), data };
}

/**
 * Complete events (any line endings) with error events and events carrying a secret redacted;
 * text with neither is returned as it is (a substring check, no splitting).
 */
export function redactEvents(text: string, secrets: readonly string[]): string {
  if (text === '' || (!mayHoldErrorEvent(text) && !containsSecret(text, secrets))) return text;
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n\n')
    .map((event) => {
      const lines = event.split('\n');
      if (!lines.some(isErrorEventLine) && !containsSecret(event, secrets)) return event;
      return redactEvent(lines, secrets).text;
    })
    .join('\n\n');
}
