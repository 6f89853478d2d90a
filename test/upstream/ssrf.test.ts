// The SSRF guard: address classification, URL checks, the DNS lookup that validates every
// resolved address, and the connected-address check in the guarded undici agent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { assertSafeUpstreamUrl, guardedLookup, isBlockedAddress, UpstreamNotAllowedError } from '../../src/upstream/ssrf.js';
import { UpstreamClient, UpstreamFailure } from '../../src/upstream/client.js';
import { generic } from '../../src/upstream/providers/generic.js';

describe('isBlockedAddress', () => {
  const blocked = [
    '127.0.0.1', '127.255.0.9', '10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1',
    '100.127.255.254', '0.0.0.0', '224.0.0.1', '255.255.255.255', '198.18.0.1', '::1', '::', 'fe80::1', 'fc00::1', 'fd00:ec2::254',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254', '64:ff9b::10.0.0.1', 'ff02::1', '[::1]', 'not-an-ip',
  ];
  const allowed = ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '192.169.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'];
  for (const a of blocked) test(`blocks ${a}`, () => assert.equal(isBlockedAddress(a), true));
  for (const a of allowed) test(`allows ${a}`, () => assert.equal(isBlockedAddress(a), false));
});

describe('assertSafeUpstreamUrl', () => {
  test('accepts public https URLs', () => {
    assert.equal(assertSafeUpstreamUrl('https://api.openai.com/v1', false).hostname, 'api.openai.com');
    assert.equal(assertSafeUpstreamUrl('https://8.8.8.8/v1', false).hostname, '8.8.8.8');
  });
  for (const bad of [
    'http://api.openai.com/v1', 'ftp://x.example.com', 'https://127.0.0.1/v1', 'https://[::1]/v1', 'https://169.254.169.254/latest',
    'https://localhost:8080', 'https://foo.localhost', 'https://metadata.google.internal/', 'https://intranet/v1',
    'https://user:pass@api.openai.com/v1', 'https://10.1.2.3', 'https://[::ffff:127.0.0.1]/', 'not a url',
  ]) {
    test(`rejects ${bad}`, () => assert.throws(() => assertSafeUpstreamUrl(bad, false), UpstreamNotAllowedError));
  }
  test('allowPrivate permits http and loopback but never credentials', () => {
    assert.equal(assertSafeUpstreamUrl('http://127.0.0.1:8000/v1', true).port, '8000');
    assert.throws(() => assertSafeUpstreamUrl('http://u:p@127.0.0.1/', true), UpstreamNotAllowedError);
    assert.throws(() => assertSafeUpstreamUrl('file:///etc/passwd', true), UpstreamNotAllowedError);
  });
});

describe('guardedLookup', () => {
  test('fails for a name that resolves to loopback', async () => {
    const err = await new Promise<Error | null>((resolve) => guardedLookup('localhost', {}, (e) => resolve(e)));
    assert.ok(err instanceof UpstreamNotAllowedError);
  });
  test('fails in all-addresses mode too', async () => {
    const err = await new Promise<Error | null>((resolve) => guardedLookup('localhost', { all: true }, (e) => resolve(e)));
    assert.ok(err instanceof UpstreamNotAllowedError);
  });
});

describe('guarded agent', () => {
  let server: Server;
  let port: number;
  let hits = 0;
  const client = new UpstreamClient({ connectTimeoutMs: 1000, headersTimeoutMs: 1000, bodyTimeoutMs: 1000, allowPrivateUpstreams: false });
  before(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await client.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  for (const host of ['localhost', '127.0.0.1']) {
    test(`refuses to connect to ${host} even when the URL check is bypassed`, async () => {
      const target = { provider: generic, baseUrl: new URL(`http://${host}:${port}/v1`), apiKey: 'k', untrusted: true };
      await assert.rejects(client.chat(target, 'm', '{}', new AbortController().signal), (err: unknown) => {
        assert.ok(err instanceof UpstreamFailure);
        assert.equal(err.kind, 'not_allowed');
        return true;
      });
      assert.equal(hits, 0);
    });
  }

  test('the gateway answers 400 for a header BYOK URL to a private address', async () => {
    const { startGateway } = await import('../helpers/gateway.js');
    const gw = await startGateway({ config: { allowPrivateUpstreams: false } });
    try {
      const { key } = await gw.createKey({ mode: 'router' });
      const res = await fetch(`${gw.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-upstream-base-url': `https://127.0.0.1:${port}/v1`, 'x-upstream-key': 'k' },
        body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
      });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as any).error.code, 'upstream_not_allowed');
      assert.equal(hits, 0);
    } finally {
      await gw.close();
    }
  });
});
