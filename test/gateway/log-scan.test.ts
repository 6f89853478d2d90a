// No secret in any log line or error body (DESIGN.md §7): runs the gateway's scenarios — success,
// streaming, header BYOK, invalid and revoked keys, malformed and oversized bodies, upstream
// 401/500 echoing keys back, hangs, mid-stream failures, client aborts, upstreams that echo the
// credentials inside an SSE error event mid-stream (both routes, every kind of upstream key) —
// with logs captured at debug level, then greps every log line and every response byte for every
// key used.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { startMockUpstream, type MockUpstream } from '../helpers/mock-upstream.js';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic-upstream.js';
import { MOCK_ROUTER_KEY, MOCK_UPSTREAM_KEY, startGateway, type TestGateway } from '../helpers/gateway.js';

const HEADER_UPSTREAM_KEY = 'sk-proj-HEADERSECRET-abcdefghijklmnop1234';

describe('log scan', () => {
  let mock: MockUpstream;
  let anthropic: MockAnthropic;
  let gw: TestGateway;
  const bodies: string[] = [];
  const gatewayKeys: string[] = [];

  before(async () => {
    mock = await startMockUpstream();
    anthropic = await startMockAnthropic();
    gw = await startGateway({ mock, config: { logLevel: 'debug', upstreamHeadersTimeoutMs: 300, upstreamBodyTimeoutMs: 300, bodyLimit: 16 * 1024 } });
  });
  after(async () => {
    await gw.close();
    await mock.close();
    await anthropic.close();
  });

  async function call(key: string, body: unknown, headers: Record<string, string> = {}): Promise<void> {
    const res = await fetch(`${gw.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    bodies.push(await res.text());
  }

  test('scenarios run, then no key appears in logs or error bodies', async () => {
    const byok = await gw.createKey({ mode: 'byok' });
    const router = await gw.createKey({ mode: 'router' });
    const revoked = await gw.createKey({ mode: 'byok' });
    gatewayKeys.push(byok.key, router.key, revoked.key);
    const hello = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] };

    await call(byok.key, hello);
    await call(byok.key, { ...hello, stream: true });
    await call(router.key, hello);
    await call(router.key, hello, { 'x-upstream-base-url': mock.baseUrl, 'x-upstream-key': HEADER_UPSTREAM_KEY });
    await call('sk-occ-' + 'A'.repeat(43), hello);
    await call(byok.key, '{"model":');
    await call(byok.key, { ...hello, messages: [{ role: 'user', content: 'x'.repeat(20_000) }] });
    await gw.app.services.keys.revoke(revoked.id);
    await call(revoked.key, hello);
    mock.enqueue({ fail: 401, failMessage: `Incorrect API key provided: ${MOCK_UPSTREAM_KEY}` });
    await call(byok.key, hello);
    mock.enqueue({ fail: 401, failMessage: `Incorrect API key provided: ${HEADER_UPSTREAM_KEY}` });
    await call(router.key, hello, { 'x-upstream-base-url': mock.baseUrl, 'x-upstream-key': HEADER_UPSTREAM_KEY });
    mock.enqueue({ fail: 500, failMessage: `internal failure for Bearer ${MOCK_ROUTER_KEY}` });
    await call(router.key, hello);
    mock.enqueue({ hang: true });
    await call(byok.key, hello);
    mock.enqueue({ failAfterChunks: 2 });
    await call(byok.key, { ...hello, stream: true });
    mock.enqueue({ content: 'w '.repeat(50), chunkDelayMs: 10 });
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${gw.baseUrl}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${byok.key}`, 'content-type': 'application/json' } });
      req.on('response', (res) => res.once('data', () => (req.destroy(), resolve())));
      req.on('error', () => undefined);
      req.end(JSON.stringify({ ...hello, stream: true }));
    });
    const models = await fetch(`${gw.baseUrl}/models`, { headers: { authorization: `Bearer ${byok.key}` } });
    bodies.push(await models.text());
    await new Promise((r) => setTimeout(r, 100));

    assert.ok(gw.logs.length >= 15, `captured ${gw.logs.length} log lines`);
    const secrets = [...gatewayKeys, 'sk-occ-' + 'A'.repeat(43), MOCK_UPSTREAM_KEY, MOCK_ROUTER_KEY, HEADER_UPSTREAM_KEY];
    for (const line of [...gw.logs, ...bodies]) {
      for (const s of secrets) assert.ok(!line.includes(s), `secret leaked: ${line.slice(0, 300)}`);
      assert.ok(!line.includes('sk-occ-'), `gateway key material in: ${line.slice(0, 300)}`);
      assert.ok(!/SECRET/.test(line), `upstream key material in: ${line.slice(0, 300)}`);
    }
    // and the error bodies still said what went wrong
    assert.ok(bodies.some((b) => b.includes('Upstream returned 401: Incorrect API key provided: [redacted]')));
  });

  test('an upstream that echoes its key in a mid-stream SSE error: the key reaches no client byte and no log line', async () => {
    const byok = await gw.createKey({ mode: 'byok' });
    const router = await gw.createKey({ mode: 'router' });
    const native = await gw.createKey({ mode: 'byok', upstreamBaseUrl: anthropic.origin, upstreamProvider: 'anthropic', upstreamKey: 'sk-ant-NATIVESECRET-0123456789abcdef' });
    const streamed: string[] = [];
    const logsBefore = gw.logs.length;
    const raw = async (path: string, key: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${gw.baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      const text = Buffer.from(await res.arrayBuffer()).toString('latin1'); // every byte, as bytes
      streamed.push(text);
      return text;
    };
    const chat = { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hello' }] };
    const echo = (as?: 'event' | 'data') => ({ content: 'a b c d', streamError: { afterChunks: 2, message: 'bad request; you sent {auth}', as } });

    mock.enqueue(echo('event'));
    await raw('/chat/completions', byok.key, chat);
    mock.enqueue(echo('data'));
    await raw('/chat/completions', router.key, chat);
    mock.enqueue(echo('event'));
    await raw('/chat/completions', router.key, chat, { 'x-upstream-base-url': mock.baseUrl, 'x-upstream-key': HEADER_UPSTREAM_KEY });
    // POST /v1/messages: an OpenAI-compatible upstream (translated) and a native Anthropic one
    const msg = { model: 'claude-x', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hello' }] };
    mock.enqueue(echo('event'));
    await raw('/messages', byok.key, msg);
    anthropic.enqueue({ errorAfterEvents: { after: 3, message: 'invalid x-api-key: {auth}' } });
    await raw('/messages', native.key, msg);
    await new Promise((r) => setTimeout(r, 100));

    // the upstreams did echo the keys (the test would prove nothing otherwise) …
    assert.equal(mock.requests.slice(-4).filter((r) => r.body?.stream).length, 4);
    // … the clients still learnt that the stream failed, with the message redacted
    for (const text of streamed) assert.match(text, /data: .*"error".*\[redacted\]/, text.slice(-400));
    const secrets = [...gatewayKeys, byok.key, router.key, native.key, MOCK_UPSTREAM_KEY, MOCK_ROUTER_KEY, HEADER_UPSTREAM_KEY, 'sk-ant-NATIVESECRET-0123456789abcdef'];
    const lines = gw.logs.slice(logsBefore);
    assert.ok(lines.filter((l) => l.includes('"outcome":"upstream_stream_error"')).length >= 5, 'the failures are logged as such');
    for (const line of [...streamed, ...lines]) {
      for (const s of secrets) assert.ok(!line.includes(s), `secret leaked: ${line.slice(0, 600)}`);
      assert.ok(!/SECRET/.test(line), `upstream key material in: ${line.slice(0, 600)}`);
    }
  });
});
