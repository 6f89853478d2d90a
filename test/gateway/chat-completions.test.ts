// The chat-completions flow end to end: the official `openai` client → gateway → mock upstream.
// Compression of the forwarded prompt, pass-through of unknown fields, streaming text and tool
// calls, usage, the level controls and the response headers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { compressMessages } from '../../src/compress/index.js';
import { startMockUpstream, type MockUpstream } from '../helpers/mock-upstream.js';
import { MOCK_UPSTREAM_KEY, startGateway, type TestGateway } from '../helpers/gateway.js';

const rows = Array.from({ length: 40 }, (_, i) => ({ id: i, name: `item-${i}`, status: i % 7 === 0 ? 'error' : 'ok', latency_ms: 100 + i }));
const bigMessages = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Here is the data:\n' + JSON.stringify(rows, null, 2) + '\n\nWhich items have status error?' },
];

describe('POST /v1/chat/completions', () => {
  let mock: MockUpstream;
  let gw: TestGateway;
  let key: string;

  before(async () => {
    mock = await startMockUpstream();
    gw = await startGateway({ mock });
    key = (await gw.createKey({ mode: 'byok' })).key;
  });
  after(async () => {
    await gw.close();
    await mock.close();
  });

  test('forwards the compressed prompt with the upstream key and reports token headers', async () => {
    mock.reset();
    const { data, response } = await gw
      .client(key, { defaultHeaders: { 'openai-organization': 'org-test' } })
      .chat.completions.create({ model: 'gpt-4o-mini', messages: bigMessages })
      .withResponse();
    const expected = compressMessages(bigMessages, { level: 'balanced', model: 'gpt-4o-mini' });
    assert.ok(expected.stats.savedTokens > 0, 'fixture must be compressible');
    const sent = mock.requests[0];
    assert.equal(sent.url, '/v1/chat/completions');
    assert.equal(sent.headers.authorization, `Bearer ${MOCK_UPSTREAM_KEY}`);
    assert.equal(sent.headers['openai-organization'], 'org-test', 'BYOK passes account headers on');
    assert.equal(sent.headers['x-opencompress-level'], undefined, 'gateway headers stay here');
    assert.deepEqual(sent.body.messages, expected.messages);
    assert.ok(sent.body.messages[1].content.length < bigMessages[1].content.length);
    assert.equal(sent.body.messages[0].content, 'You are terse.');
    assert.equal(response.headers.get('x-opencompress-original-tokens'), String(expected.stats.originalTokens));
    assert.equal(response.headers.get('x-opencompress-compressed-tokens'), String(expected.stats.compressedTokens));
    assert.ok(response.headers.get('x-request-id'));
    assert.equal(data.choices[0].message.content, 'Hello from the mock upstream.');
    assert.deepEqual(data.usage, mock.usageFor(sent.body));
  });

  test('the request log line has one "level" (the log level); the compression level is "compression"', async () => {
    const { response } = await gw.client(key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-opencompress-level': 'off' } }).withResponse();
    const id = response.headers.get('x-request-id')!;
    let line: string | undefined;
    for (let i = 0; i < 50 && !line; i++) {
      line = gw.logs.find((l) => l.includes(`"reqId":"${id}"`) && l.includes('"msg":"request"'));
      if (!line) await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(line, 'a request line was logged');
    assert.equal(line.match(/"level":/g)?.length, 1);
    const parsed = JSON.parse(line);
    assert.equal(parsed.level, 'info');
    assert.equal(parsed.compression, 'off');
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a generated id is a UUIDv7');
  });

  test('unknown and OpenAI fields arrive untouched; the opencompress body field is stripped', async () => {
    mock.reset();
    const body: any = {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Describe this.' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] }],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }],
      tool_choice: 'auto',
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
      logprobs: true,
      top_logprobs: 2,
      n: 2,
      seed: 42,
      temperature: 0.3,
      metadata: { trace: 'abc' },
      some_vendor_field: { nested: [1, 2, { deep: true }] },
      opencompress: { level: 'off' },
    };
    await gw.client(key).chat.completions.create(body);
    const sent = mock.requests[0].body;
    const { opencompress: _drop, ...rest } = body;
    assert.deepEqual(sent, rest);
    assert.equal('opencompress' in sent, false);
  });

  test('a compressed request: every byte but the changed messages is the client\'s (big integers, 1.0, escapes)', async () => {
    mock.reset();
    // The openai client writes its body with JSON.stringify, which cannot express these literals:
    // its fetch is wrapped to put them into the text it sends (as any non-JS client could).
    const literals: Record<string, string> = {
      '"__SEED__"': '9007199254740993',
      '"__TEMP__"': '1.0',
      '"__HUGE__"': '1e400',
      '"__ESCAPED__"': '"caf\\u00e9 \\"quoted\\" \\\\ back\\/slash"',
    };
    let sentByClient = '';
    const client = new OpenAI({
      apiKey: key,
      baseURL: gw.baseUrl,
      maxRetries: 0,
      fetch: (url: any, init: any) => {
        let body = String(init.body);
        for (const [k, v] of Object.entries(literals)) body = body.replaceAll(k, v);
        sentByClient = body;
        return fetch(url, { ...init, body });
      },
    });
    const stream = (await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: bigMessages,
      stream: true,
      stream_options: { include_usage: false, x_so: '__SEED__' },
      seed: '__SEED__',
      temperature: '__TEMP__',
      x_huge: '__HUGE__',
      x_text: '__ESCAPED__',
      x_nested: { list: ['__SEED__', { deep: '__TEMP__' }] },
      opencompress: { level: 'balanced' },
    } as any)) as unknown as AsyncIterable<unknown>;
    for await (const _ of stream) void _;
    const raw = mock.requests[0].rawBody;
    const sent = JSON.parse(raw);
    assert.deepEqual(sent.messages, compressMessages(bigMessages, { level: 'balanced', model: 'gpt-4o-mini' }).messages, 'the prompt was compressed');
    for (const part of [
      '"seed":9007199254740993',
      '"temperature":1.0',
      '"x_huge":1e400',
      `"x_text":${literals['"__ESCAPED__"']}`,
      '"x_nested":{"list":[9007199254740993,{"deep":1.0}]}',
      '"stream_options":{"include_usage":true,"x_so":9007199254740993}',
      JSON.stringify(bigMessages[0]), // an unchanged message keeps its bytes too
    ]) {
      assert.ok(sentByClient.includes(part.replace('"include_usage":true', '"include_usage":false')), `fixture: ${part}`);
      assert.ok(raw.includes(part), `arrived untouched: ${part}`);
    }
    assert.equal('opencompress' in sent, false);
    assert.ok(!raw.includes('opencompress'));
    // nothing else changed: with the original messages put back, the forwarded text is the
    // client's without the control field and with include_usage set
    const expected = sentByClient.replace(/,"opencompress":\{[^}]*\}/, '').replace('"include_usage":false', '"include_usage":true');
    assert.equal(raw.replace(JSON.stringify(sent.messages), JSON.stringify(bigMessages)), expected);
  });

  test('level off forwards the exact bytes the client sent', async () => {
    mock.reset();
    const raw = '{"model":"m","messages":[{"role":"user","content":"keep   my   spacing"}],  "x_extra": 1}';
    const res = await fetch(`${gw.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-opencompress-level': 'off' },
      body: raw,
    });
    assert.equal(res.status, 200);
    await res.json();
    assert.equal(mock.requests[0].rawBody, raw);
    assert.equal(res.headers.get('x-opencompress-level'), 'off');
  });

  test('level off + stream: the client bytes are forwarded with stream_options spliced in', async () => {
    mock.reset();
    const raw = '{"model":"m","stream":true,"messages":[{"role":"user","content":"keep   my   spacing"}]}';
    const res = await fetch(`${gw.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-opencompress-level': 'off' },
      body: raw,
    });
    const text = await res.text();
    assert.ok(!text.includes('prompt_tokens'), 'usage chunk hidden');
    assert.equal(mock.requests[0].rawBody, '{"stream_options":{"include_usage":true},' + raw.slice(1));
  });

  test('x-opencompress-level header overrides the key level; an invalid level is a 400', async () => {
    mock.reset();
    await gw.client(key, { defaultHeaders: { 'x-opencompress-level': 'off' } }).chat.completions.create({ model: 'gpt-4o-mini', messages: bigMessages });
    assert.deepEqual(mock.requests[0].body.messages, bigMessages);
    await assert.rejects(
      gw.client(key, { defaultHeaders: { 'x-opencompress-level': 'extreme' } }).chat.completions.create({ model: 'gpt-4o-mini', messages: bigMessages }),
      (err: any) => err.status === 400 && err.error?.type === 'invalid_request_error' && err.error?.code === 'invalid_level',
    );
    await assert.rejects(
      gw.client(key).chat.completions.create({ model: 'gpt-4o-mini', messages: bigMessages, opencompress: { level: 7 } } as any),
      (err: any) => err.status === 400 && err.error?.code === 'invalid_level',
    );
  });

  test('streams text in order, hides the usage chunk it asked for, and captures usage', async () => {
    mock.reset();
    mock.behavior = { content: 'one two three four five six seven' };
    const stream = await gw.client(key).chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'count' }] });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      assert.equal(chunk.usage ?? undefined, undefined, 'no usage chunk when the client did not ask');
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    assert.equal(text, 'one two three four five six seven');
    assert.ok(chunks >= 8);
    assert.equal(mock.requests[0].body.stream_options.include_usage, true, 'gateway asks upstream for usage');
  });

  test('a client that asks for stream usage gets the upstream usage chunk', async () => {
    mock.reset();
    mock.behavior = { content: 'hello world' };
    const stream = await gw.client(key).chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'say hello world please' }],
    });
    let usage: any = null;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    assert.deepEqual(usage, mock.usageFor(mock.requests[0].body));
  });

  test('streamed tool calls arrive intact and in order (also when upstream omits index, with keep-alives and CRLF)', async () => {
    const toolCalls = [
      { id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
      { id: 'call_2', name: 'get_time', arguments: '{"tz":"Europe/Paris"}' },
    ];
    for (const quirks of [{}, { omitToolCallIndex: true, keepAlive: true, crlf: true }]) {
      mock.reset();
      mock.behavior = { toolCalls, ...quirks };
      const stream = gw.client(key).chat.completions.stream({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'weather and time in Paris?' }],
        tools: [
          { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
          { type: 'function', function: { name: 'get_time', parameters: { type: 'object' } } },
        ],
      });
      const final = await stream.finalChatCompletion();
      const calls = final.choices[0].message.tool_calls ?? [];
      assert.deepEqual(
        calls.map((c: any) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })),
        toolCalls,
        JSON.stringify(quirks),
      );
      assert.equal(final.choices[0].finish_reason, 'tool_calls');
    }
  });

  test('non-streamed tool calls pass through', async () => {
    mock.reset();
    mock.behavior = { toolCalls: [{ id: 'call_9', name: 'f', arguments: '{"a":1}' }] };
    const r = await gw.client(key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'call f' }] });
    assert.equal(r.choices[0].message.tool_calls?.[0].id, 'call_9');
  });

  test('header BYOK: x-upstream-base-url + x-upstream-key on a valid key', async () => {
    mock.reset();
    const router = (await gw.createKey({ mode: 'router' })).key;
    await gw
      .client(router, { defaultHeaders: { 'x-upstream-base-url': mock.baseUrl, 'x-upstream-key': 'sk-header-upstream-key-1234567890' } })
      .chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(mock.requests[0].headers.authorization, 'Bearer sk-header-upstream-key-1234567890');
    await assert.rejects(
      gw.client(router, { defaultHeaders: { 'x-upstream-base-url': mock.baseUrl } }).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
      (err: any) => err.status === 400,
    );
  });

  test('router keys go to OPENROUTER_BASE_URL with the operator key and usage accounting', async () => {
    mock.reset();
    mock.behavior = { cost: 0.00042 };
    const router = (await gw.createKey({ mode: 'router' })).key;
    const r = await gw.client(router).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const sent = mock.requests[0];
    assert.match(String(sent.headers.authorization), /^Bearer sk-or-v1-/);
    assert.deepEqual(sent.body.usage, { include: true });
    assert.equal((r.usage as any).cost, 0.00042);
  });

  test('validation: missing messages and model are 400 invalid_request_error', async () => {
    for (const body of [{ model: 'm' }, { messages: [{ role: 'user', content: 'x' }] }, [1, 2]]) {
      const res = await fetch(`${gw.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as any).error.type, 'invalid_request_error');
    }
  });
});
