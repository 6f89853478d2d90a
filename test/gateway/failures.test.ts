// How the gateway fails: authentication (missing, invalid, revoked key), malformed and oversized
// bodies, upstream errors (500 → 502, unreachable → 502, hang → 504, 4xx passed on), a stream
// that breaks mid-way (SSE error event), and a client that disconnects mid-stream (the upstream
// request is aborted). Every error body has the OpenAI shape.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMockUpstream, type MockUpstream } from '../helpers/mock-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

const hello = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hello' }] };

async function post(gw: TestGateway, body: string, headers: Record<string, string>): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(`${gw.baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text), headers: res.headers };
}

function assertOpenAiError(json: any, type: string): void {
  assert.equal(typeof json.error?.message, 'string');
  assert.equal(json.error.type, type);
  assert.ok('code' in json.error);
}

describe('gateway failures', () => {
  let mock: MockUpstream;
  let gw: TestGateway;
  let key: string;

  before(async () => {
    mock = await startMockUpstream();
    gw = await startGateway({ mock, config: { upstreamHeadersTimeoutMs: 400, upstreamBodyTimeoutMs: 400, bodyLimit: 64 * 1024 } });
    key = (await gw.createKey({ mode: 'byok' })).key;
  });
  after(async () => {
    await gw.close();
    await mock.close();
  });

  test('missing and invalid keys are 401 auth_error', async () => {
    const none = await post(gw, JSON.stringify(hello), { 'x-request-id': 'trace-123' });
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('x-request-id'), 'trace-123');
    assertOpenAiError(none.json, 'auth_error');
    await assert.rejects(gw.client('sk-occ-' + 'x'.repeat(43)).chat.completions.create(hello), (err: any) => err.status === 401 && err.error?.type === 'auth_error');
    await assert.rejects(gw.client('not-a-key').chat.completions.create(hello), (err: any) => err.status === 401);
    const viaXApiKey = await post(gw, JSON.stringify(hello), { 'x-api-key': key });
    assert.equal(viaXApiKey.status, 200);
  });

  test('a revoked key gets 401 on the next request', async () => {
    const created = await gw.createKey({ mode: 'byok' });
    const client = gw.client(created.key);
    await client.chat.completions.create(hello);
    await gw.app.services.keys.revoke(created.id);
    await assert.rejects(client.chat.completions.create(hello), (err: any) => err.status === 401 && err.error?.type === 'auth_error');
  });

  test('malformed JSON is 400 invalid_request_error', async () => {
    const r = await post(gw, '{"model": "m", "messages": [', { authorization: `Bearer ${key}` });
    assert.equal(r.status, 400);
    assertOpenAiError(r.json, 'invalid_request_error');
    assert.equal(r.json.error.code, 'invalid_json');
  });

  test('an oversized body is 413 invalid_request_error', async () => {
    const big = JSON.stringify({ ...hello, messages: [{ role: 'user', content: 'x'.repeat(70 * 1024) }] });
    const r = await post(gw, big, { authorization: `Bearer ${key}` });
    assert.equal(r.status, 413);
    assertOpenAiError(r.json, 'invalid_request_error');
  });

  test('unknown routes are 404 in the OpenAI shape', async () => {
    const res = await fetch(`${gw.baseUrl}/nope`);
    assert.equal(res.status, 404);
    assertOpenAiError(await res.json(), 'not_found_error');
  });

  test('upstream 500 → 502 upstream_error with the upstream message', async () => {
    mock.reset();
    mock.enqueue({ fail: 500, failMessage: 'the model is overloaded' });
    await assert.rejects(gw.client(key).chat.completions.create(hello), (err: any) => {
      assert.equal(err.status, 502);
      assert.equal(err.error.type, 'upstream_error');
      assert.match(err.error.message, /the model is overloaded/);
      return true;
    });
  });

  test('upstream 400 is passed on with its message; upstream 401 becomes 502', async () => {
    mock.reset();
    mock.enqueue({ fail: 400, failMessage: 'model "nope" does not exist' });
    await assert.rejects(gw.client(key).chat.completions.create(hello), (err: any) => err.status === 400 && /does not exist/.test(err.error.message));
    mock.enqueue({ fail: 401, failMessage: 'Incorrect API key provided: sk-upstr***CDEF' });
    await assert.rejects(gw.client(key).chat.completions.create(hello), (err: any) => err.status === 502 && err.error.type === 'upstream_error');
  });

  test('an unreachable upstream → 502', async () => {
    const dead = await gw.createKey({ mode: 'byok', upstreamBaseUrl: 'http://127.0.0.1:9/v1' });
    await assert.rejects(gw.client(dead.key).chat.completions.create(hello), (err: any) => err.status === 502 && err.error.type === 'upstream_error');
  });

  test('an upstream that hangs → 504 within the configured timeout', async () => {
    // its own gateway with a 1.5 s headers timeout: long enough to tell "waited for the timeout"
    // from "failed at once", and the bound is generous (the machine is shared and noisy)
    const slow = await startGateway({ mock, config: { upstreamHeadersTimeoutMs: 1500, upstreamBodyTimeoutMs: 1500 } });
    try {
      const slowKey = (await slow.createKey({ mode: 'byok' })).key;
      mock.reset();
      mock.enqueue({ hang: true });
      const t0 = performance.now();
      await assert.rejects(slow.client(slowKey, { timeout: 30_000 }).chat.completions.create(hello), (err: any) => {
        assert.equal(err.status, 504);
        assert.equal(err.error.type, 'upstream_error');
        return true;
      });
      const elapsed = performance.now() - t0;
      assert.ok(elapsed >= 1400, `answered after ${Math.round(elapsed)} ms: before the 1500 ms timeout`);
      assert.ok(elapsed < 8000, `answered after ${Math.round(elapsed)} ms: not within the 1500 ms timeout (+ margin)`);
      await mock.waitForAborts(1);
    } finally {
      await slow.close();
    }
  });

  test('a stream that fails mid-way ends with an SSE error event', async () => {
    mock.reset();
    mock.enqueue({ content: 'a b c d e f g', failAfterChunks: 3 });
    const stream = await gw.client(key).chat.completions.create({ ...hello, stream: true });
    let text = '';
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      })(),
      (err: any) => /Upstream stream failed/.test(String(err.message ?? err.error?.message)),
    );
    assert.equal(text, 'a b ');
  });

  test('a stream that stalls mid-way ends with a 504-style SSE error event', async () => {
    mock.reset();
    mock.enqueue({ content: 'a b c d e f g', hangAfterChunks: 2 });
    const res = await fetch(`${gw.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...hello, stream: true }),
    });
    const body = await res.text();
    assert.match(body, /event: error\ndata: \{"error":\{"message":"Upstream timed out \(body\)","type":"upstream_error"/);
  });

  test('a client that disconnects mid-stream aborts the upstream request', async () => {
    mock.reset();
    mock.enqueue({ content: 'w '.repeat(200), chunkDelayMs: 20 });
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${gw.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      });
      req.on('response', (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (err) => (String(err).includes('socket hang up') ? undefined : reject(err)));
      req.end(JSON.stringify({ ...hello, stream: true }));
    });
    await mock.waitForAborts(1);
    assert.equal(mock.aborts, 1);
  });
});

describe('gateway failures: an unexpected error', () => {
  test('is a 500 internal_error that reveals nothing; the log line names the real error type', async () => {
    const mock = await startMockUpstream();
    const gw = await startGateway({
      mock,
      overrides: {
        compress: () => {
          throw new RangeError('engine exploded');
        },
      },
    });
    try {
      const { key } = await gw.createKey({ mode: 'byok' });
      const r = await post(gw, JSON.stringify(hello), { authorization: `Bearer ${key}` });
      assert.equal(r.status, 500);
      assert.deepEqual(r.json, { error: { message: 'Internal error', type: 'internal_error', code: null } });
      await new Promise((res) => setTimeout(res, 50));
      const line = gw.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'unhandled error');
      assert.ok(line, 'logged');
      assert.equal(line.error.type, 'RangeError');
      assert.equal(line.error.message, 'engine exploded');
      assert.match(line.error.stack, /RangeError: engine exploded/);
      assert.ok(!JSON.stringify(line).includes('"Object"'));
    } finally {
      await gw.close();
      await mock.close();
    }
  });
});

describe('gateway failures: a hostile upstream cannot make the gateway buffer without bound', () => {
  let hostile: Server;
  let gw: TestGateway;
  let key: string;
  const closed: string[] = [];

  before(async () => {
    // answers every request with a body that never ends: an error body (POST, 500), a model list
    // (GET …/models, 200), an SSE "event" without a terminating blank line (POST with stream), or a
    // Chat Completions answer (POST for the model "huge-answer", 200)
    hostile = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        const isModels = req.method === 'GET';
        const text = Buffer.concat(parts).toString();
        const isStream = !isModels && text.includes('"stream":true');
        const isAnswer = !isModels && !isStream && text.includes('"huge-answer"');
        res.writeHead(isModels || isStream || isAnswer ? 200 : 500, { 'content-type': isStream ? 'text/event-stream' : 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        if (isStream) res.write('data: "');
        else if (isAnswer) res.write('{"choices":[{"index":0,"message":{"role":"assistant","content":"');
        else res.write(isModels ? '{"object":"list","data":["' : '{"error":{"message":"');
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        res.on('close', () => closed.push(isModels ? 'models' : isStream ? 'stream' : isAnswer ? 'answer' : 'error'));
        pump();
      });
    });
    await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', r));
    gw = await startGateway();
    const base = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}/v1`;
    key = (await gw.createKey({ mode: 'byok', upstreamBaseUrl: base })).key;
  });
  after(async () => {
    await gw.close();
    hostile.closeAllConnections();
    await new Promise((r) => hostile.close(r));
  });

  const send = (path: string, init: RequestInit = {}) =>
    fetch(`${gw.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, signal: AbortSignal.timeout(20_000) });

  test('an endless error body: 502 with what was read, the upstream connection dropped', async () => {
    const res = await send('/chat/completions', { method: 'POST', body: JSON.stringify(hello) });
    assert.equal(res.status, 502);
    assertOpenAiError(await res.json(), 'upstream_error');
    for (let i = 0; i < 100 && !closed.includes('error'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(closed.includes('error'), 'the gateway stopped reading and closed the connection');
  });

  test('an endless model list: 502 "larger than", the upstream connection dropped', async () => {
    const res = await send('/models');
    assert.equal(res.status, 502);
    assert.match(((await res.json()) as any).error.message, /larger than 8 MB/);
    for (let i = 0; i < 100 && !closed.includes('models'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(closed.includes('models'));
  });

  test('an endless translated answer on /v1/messages: 502 naming the 32 MB limit, the upstream connection dropped', async () => {
    const res = await send('/messages', { method: 'POST', body: JSON.stringify({ ...hello, model: 'huge-answer', max_tokens: 16 }) });
    assert.equal(res.status, 502);
    const json = (await res.json()) as any;
    assert.equal(json.type, 'error');
    assert.match(json.error.message, /answer larger than 32 MB/);
    for (let i = 0; i < 100 && !closed.includes('answer'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(closed.includes('answer'));
    const line = gw.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'request' && l.outcome === 'upstream_too_large');
    assert.ok(line, 'the log line names the outcome');
    assert.equal(typeof line.upstreamMs, 'number', 'and the time spent on the upstream');
  });

  test('an SSE event that never ends: the stream ends with an error event, the upstream connection dropped', async () => {
    const res = await send('/chat/completions', { method: 'POST', body: JSON.stringify({ ...hello, stream: true }) });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /event: error\ndata: \{"error":\{"message":"Upstream stream failed: an SSE event longer than the gateway accepts"/);
    assert.ok(text.length < 1024, 'the partial event was not passed on');
    for (let i = 0; i < 100 && !closed.includes('stream'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(closed.includes('stream'));
  });

  test('the same on /v1/messages translated for a Chat Completions upstream: an Anthropic error event, the connection dropped', async () => {
    const before = closed.filter((c) => c === 'stream').length;
    const res = await send('/messages', { method: 'POST', body: JSON.stringify({ ...hello, max_tokens: 16, stream: true }) });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"Upstream stream failed: an SSE event longer than the gateway accepts"/);
    assert.ok(text.length < 1024, 'the partial event was not passed on');
    for (let i = 0; i < 100 && closed.filter((c) => c === 'stream').length === before; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(closed.filter((c) => c === 'stream').length, before + 1);
  });
});
