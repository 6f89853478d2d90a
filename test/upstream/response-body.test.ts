// src/upstream/response-body.ts and dispatch-request.ts: the upstream body without a Readable —
// chunks queued until the one reader attaches, flow control on the request, errors after the
// chunks before them, destroy aborting the request; and undici dispatch against a real server on
// loopback: answers, informational responses, aborts before and during the body.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { UpstreamBody, type FlowControl } from '../../src/upstream/response-body.js';
import { dispatchRequest } from '../../src/upstream/dispatch-request.js';
import { UpstreamAbort } from '../../src/upstream/abort.js';
import { readBodyCapped } from '../../src/upstream/read-capped.js';
import { relayBody } from '../../src/gateway/relay.js';
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';

function flow() {
  const calls: string[] = [];
  const control: FlowControl & { reason?: Error } = {
    pause: () => calls.push('pause'),
    resume: () => calls.push('resume'),
    abort(reason) {
      calls.push('abort');
      control.reason = reason;
    },
  };
  return { control, calls };
}

function recorder() {
  const events: string[] = [];
  return {
    events,
    consumer: {
      data: (c: Buffer) => events.push(`data:${c.toString()}`),
      end: () => events.push('end'),
      error: (e: Error) => events.push(`error:${e.message}`),
    },
  };
}

describe('UpstreamBody', () => {
  test('chunks and the end that came before the reader are delivered to it in order, then live ones', () => {
    const { control } = flow();
    const body = new UpstreamBody(control);
    body.push(Buffer.from('a'));
    body.push(Buffer.from('b'));
    const r = recorder();
    body.consume(r.consumer);
    body.push(Buffer.from('c'));
    body.end();
    body.push(Buffer.from('late'));
    assert.deepEqual(r.events, ['data:a', 'data:b', 'data:c', 'end']);
    assert.throws(() => body.consume(recorder().consumer), /already being read/);
  });

  test('an upstream error reaches the reader after the chunks before it; nothing after it', async () => {
    const body = new UpstreamBody(flow().control);
    body.push(Buffer.from('x'));
    body.fail(new Error('socket hang up'));
    body.end();
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const c of body) seen.push(c.toString());
      })(),
      /socket hang up/,
    );
    assert.deepEqual(seen, ['x']);
  });

  test('a reader that is not attached (or not reading) pauses the request past 64 KB; attaching resumes it', () => {
    const { control, calls } = flow();
    const body = new UpstreamBody(control);
    for (let i = 0; i < 5; i++) body.push(Buffer.alloc(16 * 1024));
    assert.deepEqual(calls, ['pause']);
    let bytes = 0;
    body.consume({ data: (c) => (bytes += c.length), end() {}, error() {} });
    assert.equal(bytes, 80 * 1024);
    assert.deepEqual(calls, ['pause', 'resume']);
  });

  test('a paused reader gets no chunk until it resumes; after the end, pause and resume leave the request alone', () => {
    const { control, calls } = flow();
    const body = new UpstreamBody(control);
    const r = recorder();
    body.consume(r.consumer);
    body.push(Buffer.from('1'));
    body.pause();
    body.push(Buffer.from('2')); // undici delivers one more chunk after a pause
    body.end();
    assert.deepEqual(r.events, ['data:1']);
    body.resume();
    assert.deepEqual(r.events, ['data:1', 'data:2', 'end']);
    body.pause();
    body.resume();
    assert.deepEqual(calls, ['pause'], 'no resume of a request that had already ended (its connection may serve another)');
  });

  test('destroy(err) from inside a data callback: the request is aborted with err, the reader gets it on the next tick', async () => {
    const { control, calls } = flow();
    const body = new UpstreamBody(control);
    const events: string[] = [];
    body.consume({
      data: (c) => {
        body.destroy(new Error('event too long'));
        events.push(`data:${c.toString()}`); // the callback finishes first
      },
      end: () => events.push('end'),
      error: (e) => events.push(`error:${e.message}`),
    });
    body.push(Buffer.from('1'));
    body.push(Buffer.from('2'));
    body.fail(new Error('aborted by undici')); // undici reports the abort back: already settled
    assert.deepEqual(events, ['data:1']);
    await new Promise((r) => process.nextTick(r));
    assert.deepEqual(events, ['data:1', 'error:event too long']);
    assert.deepEqual(calls, ['abort']);
    assert.equal(control.reason?.message, 'event too long');
  });

  test('leaving a for-await loop early aborts the request; destroying a finished body does not', async () => {
    const a = flow();
    const body = new UpstreamBody(a.control);
    body.push(Buffer.alloc(10));
    body.push(Buffer.alloc(10));
    const { buffer, truncated } = await readBodyCapped(body, 15);
    assert.deepEqual([buffer.length, truncated], [15, true]);
    assert.deepEqual(a.calls, ['abort']);

    const b = flow();
    const done = new UpstreamBody(b.control);
    done.push(Buffer.from('{}'));
    done.end();
    assert.equal((await readBodyCapped(done, 100)).buffer.toString(), '{}');
    done.destroy();
    assert.deepEqual(b.calls, []);
  });

  test('a body destroyed before anyone read it fails its reader instead of hanging', async () => {
    const body = new UpstreamBody(flow().control);
    body.destroy();
    await assert.rejects(readBodyCapped(body, 10), /aborted/);
  });
});

async function server(handler: (res: ServerResponse, url: string) => void) {
  const sockets: { closed: boolean; port?: number }[] = [];
  const srv = createServer((req, res) => {
    const s = { closed: false, port: req.socket.remotePort };
    sockets.push(s);
    req.socket.once('close', () => (s.closed = true));
    req.resume();
    handler(res, req.url ?? '');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  return { origin, sockets, close: () => new Promise<void>((r) => srv.close(() => r())) };
}

describe('dispatchRequest', () => {
  test('status, headers and the body; a 103 before the answer is skipped', async () => {
    const s = await server((res) => {
      res.writeEarlyHints({ link: '</a.css>; rel=preload' });
      res.writeHead(201, { 'content-type': 'application/json', 'x-up': '1' });
      res.write('{"a":');
      setTimeout(() => res.end('1}'), 20);
    });
    const agent = new Agent();
    try {
      const res = await dispatchRequest(agent, { origin: s.origin, path: '/x', method: 'POST', body: '{}' }, new UpstreamAbort());
      assert.equal(res.statusCode, 201);
      assert.equal(res.headers['x-up'], '1');
      assert.equal((await readBodyCapped(res.body, 1000)).buffer.toString(), '{"a":1}');
    } finally {
      await agent.close();
      await s.close();
    }
  });

  test('a 4 MB answer relayed to a client that reads slowly arrives whole; the connection is reused after', async () => {
    const payload = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7 + (i >> 12)) & 0xff;
    const s = await server((res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': payload.length });
      for (let i = 0; i < payload.length; i += 16 * 1024) res.write(payload.subarray(i, i + 16 * 1024));
      res.end();
    });
    const agent = new Agent({ connections: 1 });
    const front = createServer(async (_req, res) => {
      const up = await dispatchRequest(agent, { origin: s.origin, path: '/big', method: 'GET' }, new UpstreamAbort());
      res.writeHead(200, { 'content-length': payload.length });
      const copy: Buffer[] = [];
      await relayBody(res, up.body, copy, payload.length);
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    const port = (front.address() as AddressInfo).port;
    const fetchSlowly = () =>
      new Promise<string>((resolve, reject) => {
        httpRequest({ port, host: '127.0.0.1', path: '/' }, (res) => {
          const hash = createHash('sha256');
          res.on('data', (c: Buffer) => {
            hash.update(c);
            res.pause();
            setTimeout(() => res.resume(), 1);
          });
          res.on('end', () => resolve(hash.digest('hex')));
          res.on('error', reject);
        })
          .on('error', reject)
          .end();
      });
    try {
      const want = createHash('sha256').update(payload).digest('hex');
      assert.equal(await fetchSlowly(), want);
      assert.equal(await fetchSlowly(), want);
      assert.equal(s.sockets.length, 2);
      assert.equal(s.sockets[1].port, s.sockets[0].port, 'the second request reused the connection');
      assert.equal(s.sockets[1].closed, false);
    } finally {
      front.closeAllConnections();
      await new Promise((r) => front.close(r));
      await agent.destroy();
      await s.close();
    }
  });

  test('aborts: already aborted (nothing sent), while waiting for headers (rejects), while reading the body (the reader fails, the connection is dropped)', async () => {
    const s = await server((res, url) => {
      if (url === '/body') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: 1\n\n');
      } // '/hang': never answers
    });
    const agent = new Agent();
    try {
      const pre = new AbortController();
      pre.abort();
      await assert.rejects(dispatchRequest(agent, { origin: s.origin, path: '/hang', method: 'GET' }, pre.signal), { name: 'AbortError' });
      assert.equal(s.sockets.length, 0, 'an aborted signal sends nothing');

      const waiting = new UpstreamAbort();
      const pending = dispatchRequest(agent, { origin: s.origin, path: '/hang', method: 'GET' }, waiting);
      setTimeout(() => waiting.abort(), 50);
      await assert.rejects(pending, { code: 'UND_ERR_ABORTED' });

      const reading = new UpstreamAbort();
      const res = await dispatchRequest(agent, { origin: s.origin, path: '/body', method: 'GET' }, reading);
      const seen: string[] = [];
      await assert.rejects(
        (async () => {
          for await (const c of res.body) {
            seen.push(c.toString());
            reading.abort();
          }
        })(),
        { code: 'UND_ERR_ABORTED' },
      );
      assert.deepEqual(seen, ['data: 1\n\n']);
      await new Promise((r) => setTimeout(r, 50));
      assert.ok(s.sockets.every((x) => x.closed), 'the upstream connections were closed');
    } finally {
      await agent.destroy();
      await s.close();
    }
  });
});
