// POST /v1/messages end to end with the official `@anthropic-ai/sdk` against an OpenAI-compatible
// mock upstream: the request and the answer are translated (JSON and SSE), user text compressed,
// tool use round trips, Router keys via OpenRouter with its cost, a client that leaves; and the
// route's errors in Anthropic's shape. (The native Anthropic upstream: messages-native.test.ts.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { MOCK_UPSTREAM_KEY } from '../helpers/gateway.js';
import { admission, BIG_TEXT, client, events, gw, nativeKey, openaiMock, richRequest, SYSTEM, translatedKey, useMessagesGateway, waitFor } from '../helpers/messages-gateway.js';

describe('POST /v1/messages', () => {
  useMessagesGateway();

  describe('OpenAI-compatible upstream (translated)', () => {
    test('JSON: request translated and compressed, answer translated back with usage', async () => {
      openaiMock.reset();
      const req = richRequest();
      const { data, response } = await client(translatedKey).messages.create({ ...req, stop_sequences: ['END'], temperature: 0.2, top_p: 0.9 }).withResponse();
      const sent = openaiMock.requests[0];
      assert.equal(sent.url, '/v1/chat/completions');
      assert.equal(sent.headers.authorization, `Bearer ${MOCK_UPSTREAM_KEY}`);
      const b = sent.body;
      assert.equal(b.model, 'claude-sonnet-4-5');
      assert.equal(b.max_tokens, 256);
      assert.deepEqual(b.stop, ['END']);
      assert.equal(b.temperature, 0.2);
      assert.equal(b.top_p, 0.9);
      assert.deepEqual(b.messages[0], { role: 'system', content: SYSTEM[0].text });
      assert.deepEqual(b.messages[1], {
        role: 'user',
        content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }, { type: 'text', text: 'Remember   this picture.' }],
      });
      assert.deepEqual(b.messages[2], { role: 'assistant', content: 'Noted.   I   will remember it.' });
      assert.equal(b.messages[3].role, 'user');
      assert.ok(b.messages[3].content.length < BIG_TEXT.length);
      assert.ok(b.messages[3].content.includes('Which items have status error?'));
      assert.equal(data.type, 'message');
      assert.equal(data.role, 'assistant');
      assert.ok(data.id.startsWith('msg_'));
      assert.deepEqual(data.content, [{ type: 'text', text: 'Hello from the mock upstream.' }]);
      assert.equal(data.stop_reason, 'end_turn');
      const usage = openaiMock.usageFor(b);
      assert.equal(data.usage.input_tokens, usage.prompt_tokens);
      assert.equal(data.usage.output_tokens, usage.completion_tokens);
      assert.ok(Number(response.headers.get('x-opencompress-original-tokens')) > Number(response.headers.get('x-opencompress-compressed-tokens')));
    });

    test('streaming: Anthropic events built from chunks as they arrive; text in order; usage at the end', async () => {
      openaiMock.reset();
      const text = 'Alpha beta gamma delta epsilon zeta.';
      openaiMock.behavior = { content: text, chunkDelayMs: 2 };
      const stream = client(translatedKey).messages.stream({ model: 'm', max_tokens: 50, messages: [{ role: 'user', content: 'Say it.' }] });
      const deltas: string[] = [];
      const types: string[] = [];
      stream.on('text', (t) => deltas.push(t));
      stream.on('streamEvent', (e) => types.push(e.type));
      const final = await stream.finalMessage();
      assert.deepEqual(deltas, text.match(/\S+\s*/g));
      assert.deepEqual(final.content, [{ type: 'text', text }]);
      assert.equal(types[0], 'message_start');
      assert.equal(types[1], 'content_block_start');
      assert.deepEqual(types.slice(-3), ['content_block_stop', 'message_delta', 'message_stop']);
      assert.equal(final.stop_reason, 'end_turn');
      const sent = openaiMock.requests[0].body;
      assert.equal(sent.stream, true);
      assert.deepEqual(sent.stream_options, { include_usage: true });
      assert.equal(final.usage.input_tokens, openaiMock.usageFor(sent).prompt_tokens);
      assert.equal(final.usage.output_tokens, 7);
    });

    test('tool use round trip: tools → functions, tool_calls → tool_use, tool_result → tool message', async () => {
      openaiMock.reset();
      openaiMock.behavior = { toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris","days":3}' }] };
      const tools = [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } }];
      const params = { model: 'm', max_tokens: 50, tools, tool_choice: { type: 'tool' as const, name: 'get_weather' }, messages: [{ role: 'user' as const, content: 'Weather in Paris?' }] };
      const streamed = await client(translatedKey).messages.stream(params).finalMessage();
      const json = await client(translatedKey).messages.create(params);
      for (const m of [streamed, json]) {
        assert.deepEqual(m.content, [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris', days: 3 } }]);
        assert.equal(m.stop_reason, 'tool_use');
      }
      const first = openaiMock.requests[0].body;
      assert.deepEqual(first.tools, [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: tools[0].input_schema } }]);
      assert.deepEqual(first.tool_choice, { type: 'function', function: { name: 'get_weather' } });

      openaiMock.reset();
      const answer = await client(translatedKey).messages.create({
        model: 'm',
        max_tokens: 50,
        tools,
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: json.content as any },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'Sunny, 21 °C' }, { type: 'text', text: 'Thanks!' }] },
        ],
      });
      assert.equal(answer.content[0].type, 'text');
      const sent = openaiMock.requests[0].body.messages;
      assert.deepEqual(sent[1], {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","days":3}' } }],
      });
      assert.deepEqual(sent[2], { role: 'tool', tool_call_id: 'call_1', content: 'Sunny, 21 °C' });
      assert.deepEqual(sent[3], { role: 'user', content: 'Thanks!' });
    });

    test('Router keys go to OpenRouter translated, with its usage accounting and cost', async () => {
      openaiMock.reset();
      openaiMock.behavior = { cost: 0.0012 };
      events.length = 0;
      const routerKey = (await gw.createKey({ mode: 'router', accountId: await gw.newAccount() })).key;
      const final = await client(routerKey).messages.stream({ model: 'anthropic/claude-sonnet-4.5', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
      assert.equal(final.content[0].type, 'text');
      const sent = openaiMock.requests[0];
      assert.equal(sent.url, '/v1/chat/completions');
      assert.deepEqual(sent.body.usage, { include: true });
      const ev = await waitFor(() => events[0]);
      assert.equal(ev.mode, 'router');
      assert.equal(ev.upstreamCostUsd, 0.0012);
    });

    test('a client that goes away aborts the upstream request; billing sees client_aborted', async () => {
      openaiMock.reset();
      openaiMock.behavior = { content: 'one two three four', hangAfterChunks: 2 };
      events.length = 0;
      const stream = client(translatedKey).messages.stream({ model: 'm', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });
      stream.on('error', () => undefined);
      const settled = stream.done().catch(() => 'aborted');
      await new Promise<void>((resolve) => stream.once('text', () => resolve()));
      stream.abort();
      assert.equal(await settled, 'aborted');
      await openaiMock.waitForAborts(1);
      const ev = await waitFor(() => events[0]);
      assert.equal(ev.status, 'client_aborted');
    });

    test('upstream 500 → 502 api_error in Anthropic shape', async () => {
      openaiMock.reset();
      openaiMock.enqueue({ fail: 500 });
      await assert.rejects(client(translatedKey).messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }), (err: any) => {
        assert.equal(err.status, 502);
        assert.deepEqual(Object.keys(err.error), ['type', 'error']);
        assert.equal(err.error.error.type, 'api_error');
        return true;
      });
    });
  });

  describe('errors', () => {
    test('invalid key → 401 authentication_error', async () => {
      await assert.rejects(client('sk-occ-notarealkey000000000000000000000000000').messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }), (err: any) => {
        assert.ok(err instanceof Anthropic.AuthenticationError);
        const e = err as any;
        assert.equal(e.status, 401);
        assert.equal(e.error.type, 'error');
        assert.equal(e.error.error.type, 'authentication_error');
        return true;
      });
    });

    test('Bearer auth works too; invalid JSON and bad bodies are 400 invalid_request_error', async () => {
      openaiMock.reset();
      const ok = await fetch(`${gw.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${translatedKey}` },
        body: JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
      });
      assert.equal(ok.status, 200);
      assert.equal(((await ok.json()) as any).type, 'message');
      for (const body of ['{not json', '{"model":"m","messages":[]}', '{"model":"m","messages":[{"role":"system","content":"x"}]}']) {
        const res = await fetch(`${gw.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': translatedKey }, body });
        assert.equal(res.status, 400, body);
        const err = (await res.json()) as any;
        assert.equal(err.type, 'error');
        assert.equal(err.error.type, 'invalid_request_error');
      }
    });

    test('402 billing_error and 429 rate_limit_error (with Retry-After) from admission', async () => {
      const params = { model: 'm', max_tokens: 5, messages: [{ role: 'user' as const, content: 'hi' }] };
      try {
        admission.refusal = 'balance';
        await assert.rejects(client(translatedKey).messages.create(params), (err: any) => {
          assert.equal(err.status, 402);
          assert.equal(err.error.error.type, 'billing_error');
          return true;
        });
        admission.refusal = 'rate';
        await assert.rejects(client(translatedKey).messages.create(params), (err: any) => {
          assert.ok(err instanceof Anthropic.RateLimitError);
          const e = err as any;
          assert.equal(e.error.error.type, 'rate_limit_error');
          assert.equal(e.headers.get('retry-after'), '7');
          return true;
        });
      } finally {
        admission.refusal = null;
      }
    });

    test('no log line carries a key', async () => {
      await new Promise((r) => setTimeout(r, 50));
      const lines = gw.logs.join('\n');
      assert.ok(lines.includes('/v1/messages'), 'requests were logged');
      for (const secret of [MOCK_UPSTREAM_KEY, translatedKey, nativeKey, 'sk-ant-HEADERSECRET-0123456789']) assert.equal(lines.includes(secret), false);
    });

    test('the chat route keeps the OpenAI error shape', async () => {
      const res = await fetch(`${gw.baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
      const err = (await res.json()) as any;
      assert.equal(err.type, undefined);
      assert.equal(err.error.type, 'invalid_request_error');
    });
  });
});
