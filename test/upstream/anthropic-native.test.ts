// The native Anthropic upstream pieces: the Messages URL and headers (providers/anthropic-native.ts),
// usage normalisation (anthropic/usage.ts) and the pass-through SSE tap (anthropic/native-stream-tap.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isAnthropicNative, messagesUrl, nativeHeaders, nativeMessagesProfile } from '../../src/upstream/providers/anthropic-native.js';
import { PROVIDERS, providerFor } from '../../src/upstream/providers/index.js';
import { readAnthropicUsage, toAnthropicUsage } from '../../src/upstream/anthropic/usage.js';
import { NativeStreamTap } from '../../src/upstream/anthropic/native-stream-tap.js';

describe('anthropic-native provider', () => {
  test('messages URL from the native or the compat-style base URL', () => {
    assert.equal(messagesUrl(new URL('https://api.anthropic.com')), 'https://api.anthropic.com/v1/messages');
    assert.equal(messagesUrl(new URL('https://api.anthropic.com/v1')), 'https://api.anthropic.com/v1/messages');
    assert.equal(messagesUrl(new URL('https://proxy.example.com/anthropic/')), 'https://proxy.example.com/anthropic/v1/messages');
  });

  test('headers: x-api-key, the client version and beta, a default version', () => {
    assert.deepEqual(nativeHeaders('k', { 'anthropic-version': '2023-06-01', 'anthropic-beta': 'a,b' }), { 'x-api-key': 'k', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'a,b' });
    assert.deepEqual(nativeHeaders('k', {}), { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' });
  });

  test('an anthropic key is native on this route; the compat profile is unchanged', () => {
    const anthropic = providerFor(new URL('https://api.anthropic.com/v1'));
    assert.equal(isAnthropicNative(anthropic), true);
    assert.equal(isAnthropicNative(PROVIDERS.openai), false);
    assert.equal(anthropic.chatUrl(new URL('https://api.anthropic.com/v1'), 'm'), 'https://api.anthropic.com/v1/chat/completions');
    const profile = nativeMessagesProfile(anthropic, {});
    assert.equal(profile.chatUrl(new URL('https://api.anthropic.com'), 'm'), 'https://api.anthropic.com/v1/messages');
    assert.equal('authorization' in profile.headers('k'), false);
  });
});

describe('Anthropic usage', () => {
  test('prompt = input + cache read + cache creation; cached = cache read', () => {
    assert.deepEqual(readAnthropicUsage({ input_tokens: 10, cache_read_input_tokens: 30, cache_creation_input_tokens: 5, output_tokens: 7 }), {
      promptTokens: 45,
      completionTokens: 7,
      cachedTokens: 30,
      cacheWriteTokens: 5,
    });
    // cache writes split by lifetime (1-hour writes are billed at 2 × input, 5-minute at 1.25 ×)
    assert.deepEqual(
      readAnthropicUsage({
        input_tokens: 10,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 50,
        cache_creation: { ephemeral_5m_input_tokens: 20, ephemeral_1h_input_tokens: 30 },
        output_tokens: 1,
      }),
      { promptTokens: 60, completionTokens: 1, cachedTokens: 0, cacheWriteTokens: 20, cacheWrite1hTokens: 30 },
    );
    assert.deepEqual(readAnthropicUsage({ input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 0 }), { promptTokens: 10, completionTokens: 1, cachedTokens: 0 });
    assert.equal(readAnthropicUsage({}), null);
    assert.deepEqual(toAnthropicUsage({ promptTokens: 45, completionTokens: 7, cachedTokens: 30 }), {
      input_tokens: 15,
      output_tokens: 7,
      cache_read_input_tokens: 30,
      cache_creation_input_tokens: 0,
    });
    assert.deepEqual(toAnthropicUsage({ promptTokens: 45, completionTokens: 7, cachedTokens: 30, cacheWriteTokens: 4, cacheWrite1hTokens: 1 }), {
      input_tokens: 10,
      output_tokens: 7,
      cache_read_input_tokens: 30,
      cache_creation_input_tokens: 5,
    });
  });
});

describe('NativeStreamTap', () => {
  const ev = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const stream =
    ev('message_start', { message: { id: 'msg_1', usage: { input_tokens: 12, cache_read_input_tokens: 100, output_tokens: 1 } } }) +
    ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }) +
    ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'hi' } }) +
    ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 42 } }) +
    ev('message_stop', {});

  test('bytes pass through unchanged; usage from message_start and message_delta', () => {
    const tap = new NativeStreamTap();
    const bytes = Buffer.from(stream);
    const out: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 5) out.push(Buffer.from(tap.push(bytes.subarray(i, i + 5))));
    tap.end();
    assert.equal(Buffer.concat(out).toString('utf8'), stream);
    assert.deepEqual(tap.usage, { promptTokens: 112, completionTokens: 42, cachedTokens: 100 });
    assert.equal(tap.upstreamError, null);
  });

  test('cache writes by lifetime from message_start reach the usage', () => {
    const tap = new NativeStreamTap();
    tap.push(
      Buffer.from(
        ev('message_start', {
          message: { id: 'msg_2', usage: { input_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 70, cache_creation: { ephemeral_5m_input_tokens: 60, ephemeral_1h_input_tokens: 10 }, output_tokens: 1 } },
        }) + ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } }),
      ),
    );
    tap.end();
    assert.deepEqual(tap.usage, { promptTokens: 75, completionTokens: 3, cachedTokens: 0, cacheWriteTokens: 60, cacheWrite1hTokens: 10 });
  });

  test('an error event is noticed', () => {
    const tap = new NativeStreamTap();
    tap.push(Buffer.from(ev('error', { error: { type: 'overloaded_error', message: 'Overloaded' } })));
    assert.equal(tap.upstreamError, 'Overloaded');
    assert.equal(tap.usage, null);
  });
});
