// src/upstream/sse-redaction.ts: the one redaction of upstream SSE events (the OpenAI relay and the
// native Anthropic tap both use it): error events and events carrying the key are redacted, every
// other event is left byte for byte, whatever the line endings.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventData, redactEvent, redactEvents } from '../../src/upstream/sse-redaction.js';

const KEY = 'sk-upstream-0123456789abcdef';

describe('SSE redaction', () => {
  test('eventData joins the data lines (with or without the space); null without any', () => {
    assert.equal(eventData(['event: x', 'data: {"a":', 'data:1}']), '{"a":\n1}');
    assert.equal(eventData(['data:']), '');
    assert.equal(eventData(['event: ping', ': comment']), null);
  });

  test('redactEvent: other lines as text, data as JSON (escaped keys too), data written back as data: lines', () => {
    const escaped = JSON.stringify({ error: { message: `bad ${KEY}` } }).replace('sk-', '\\u0073k-');
    const out = redactEvent(['event: error', `id: ${KEY}`, `data: ${escaped}`], [KEY]);
    assert.equal(out.text, 'event: error\nid: [redacted]\ndata: {"error":{"message":"bad [redacted]"}}');
    assert.equal(out.data, '{"error":{"message":"bad [redacted]"}}');
    assert.equal(redactEvent(['event: error', `data: not json ${KEY}`, 'data: second'], [KEY]).text, 'event: error\ndata: not json [redacted]\ndata: second');
  });

  test('redactEvents: only error events and events with the key change; the rest keep their bytes', () => {
    const plain = 'event: message_start\r\ndata: {"type":"message_start"}\r\n\r\n: ping\r\n\r\n';
    assert.equal(redactEvents(plain, [KEY]), plain, 'nothing to redact: the text as it came (CRLF kept)');
    const mixed =
      'event: content_block_delta\ndata: {"text":"hi"}\n\n' +
      `event: content_block_delta\r\ndata: {"text":"${KEY}"}\r\n\r\n` +
      'event:error\ndata: {"error":{"message":"Authorization: Bearer abcdefgh12345678"}}\n\n';
    assert.equal(
      redactEvents(mixed, [KEY]),
      'event: content_block_delta\ndata: {"text":"hi"}\n\n' +
        'event: content_block_delta\ndata: {"text":"[redacted]"}\n\n' +
        'event:error\ndata: {"error":{"message":"Authorization: [redacted]"}}\n\n',
    );
  });
});
