// The SSE relay: events pass through byte for byte, split anywhere; usage is captured; the
// gateway-requested usage chunk is hidden; tool-call indexes are filled in; errors are noticed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SseRelay } from '../../src/upstream/sse-relay.js';

const enc = (s: string) => new TextEncoder().encode(s);
const chunk = (obj: unknown) => `data: ${JSON.stringify(obj)}\n\n`;

function run(relay: SseRelay, input: string, splitEvery: number): string {
  let out = '';
  const bytes = enc(input);
  for (let i = 0; i < bytes.length; i += splitEvery) out += relay.push(bytes.subarray(i, i + splitEvery));
  return out + relay.end();
}

describe('SseRelay', () => {
  const stream =
    ': keep-alive\n\n' +
    chunk({ choices: [{ index: 0, delta: { content: 'héllo ✓' } }] }) +
    chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }) +
    chunk({ choices: [], usage: { prompt_tokens: 11, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 2 }, cost: 0.5 } }) +
    'data: [DONE]\n\n';

  test('passes everything through unchanged at any split, capturing usage', () => {
    for (const split of [1, 3, 7, 64, 100000]) {
      const relay = new SseRelay({ hideUsageChunk: false });
      assert.equal(run(relay, stream, split), stream);
      assert.deepEqual(relay.usage, { promptTokens: 11, completionTokens: 3, cachedTokens: 2, costUsd: 0.5 });
      assert.equal(relay.done, true);
    }
  });

  test('hides the usage-only chunk when the client did not ask for it', () => {
    const relay = new SseRelay({ hideUsageChunk: true });
    const out = run(relay, stream, 5);
    assert.ok(!out.includes('prompt_tokens'));
    assert.ok(out.includes('héllo ✓') && out.endsWith('data: [DONE]\n\n'));
    assert.equal(relay.usage?.promptTokens, 11);
  });

  test('keeps usage that rides on a chunk with choices', () => {
    const s = chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 1 } });
    const relay = new SseRelay({ hideUsageChunk: true });
    assert.equal(run(relay, s, 4), s);
    assert.equal(relay.usage?.promptTokens, 5);
  });

  test('reads usage where the provider puts it (x_groq)', () => {
    const s = chunk({ choices: [], x_groq: { usage: { prompt_tokens: 9, completion_tokens: 2 } } });
    const relay = new SseRelay({ hideUsageChunk: false, usageOf: (p) => (p.x_groq as any)?.usage });
    run(relay, s, 10);
    assert.equal(relay.usage?.promptTokens, 9);
  });

  test('normalises CRLF and handles CR/LF split across chunks', () => {
    const crlf = stream.replace(/\n/g, '\r\n');
    const relay = new SseRelay({ hideUsageChunk: false });
    assert.equal(run(relay, crlf, 1), stream);
  });

  test('fills in missing tool-call indexes', () => {
    const s =
      chunk({ choices: [{ index: 0, delta: { tool_calls: [{ id: 'a', function: { name: 'f', arguments: '' } }] } }] }) +
      chunk({ choices: [{ index: 0, delta: { tool_calls: [{ function: { arguments: '{}' } }] } }] }) +
      chunk({ choices: [{ index: 0, delta: { tool_calls: [{ id: 'b', function: { name: 'g', arguments: '' } }] } }] }) +
      chunk({ choices: [{ index: 0, delta: { tool_calls: [{ function: { arguments: '[]' } }] } }] });
    const relay = new SseRelay({ hideUsageChunk: false });
    const out = run(relay, s, 13);
    const indexes = out
      .split('\n\n')
      .filter(Boolean)
      .map((e) => JSON.parse(e.slice(6)).choices[0].delta.tool_calls[0].index);
    assert.deepEqual(indexes, [0, 0, 1, 1]);
  });

  test('notices an error the upstream reports inside the stream', () => {
    const relay = new SseRelay({ hideUsageChunk: false });
    run(relay, chunk({ error: { message: 'provider overloaded' } }), 8);
    assert.equal(relay.upstreamError, 'provider overloaded');
  });

  test('an error chunk or `event: error` that carries usage and cost: the usage is read, the event redacted', () => {
    const usage = { prompt_tokens: 20, completion_tokens: 4, cost: 0.25 };
    const bare = new SseRelay({ hideUsageChunk: true, secrets: ['sk-upstream-secret'] });
    const out = run(bare, chunk({ choices: [], error: { message: 'failed for sk-upstream-secret' }, usage }), 6);
    assert.equal(bare.upstreamError, 'failed for [redacted]');
    assert.ok(out.includes('[redacted]') && !out.includes('sk-upstream-secret'), 'the error event is passed on, redacted');
    assert.deepEqual(bare.usage, { promptTokens: 20, completionTokens: 4, cachedTokens: 0, costUsd: 0.25 });

    const named = new SseRelay({ hideUsageChunk: false });
    run(named, `event: error\ndata: ${JSON.stringify({ error: { message: 'overloaded' }, usage })}\n\n`, 5);
    assert.equal(named.upstreamError, 'overloaded');
    assert.deepEqual(named.usage, { promptTokens: 20, completionTokens: 4, cachedTokens: 0, costUsd: 0.25 });
  });

  test('named events that are not errors take the fast path (passed on without being split or parsed)', () => {
    const proto = SseRelay.prototype as unknown as { processEvent(e: string): string | null };
    const original = proto.processEvent;
    let processed = 0;
    proto.processEvent = function (this: unknown, e: string) {
      processed++;
      return original.call(this, e);
    };
    try {
      const named = 'event: message\ndata: {"choices":[{"index":0,"delta":{"content":"a"}}]}\n\nevent: ping\ndata: {}\n\n';
      const relay = new SseRelay({ hideUsageChunk: false });
      assert.equal(relay.push(enc(named)), named);
      assert.equal(processed, 0);
      const error = `event: error\ndata: ${JSON.stringify({ error: { message: 'boom' } })}\n\n`;
      relay.push(enc(error));
      assert.equal(processed, 1, 'an event: error still goes through the slow path');
      assert.equal(relay.upstreamError, 'boom');
    } finally {
      proto.processEvent = original;
    }
  });
});
