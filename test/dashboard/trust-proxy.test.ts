// TRUST_PROXY: which reverse proxies' X-Forwarded-* headers the gateway believes. Without it every
// client behind a proxy shares the proxy's address for the sign-in limit (and X-Forwarded-For is
// ignored, so a client cannot pick its own address); with it the limit keys on the client address
// the trusted proxy reports.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fastifyTrustProxy, loadConfig, parseTrustProxy, type Config } from '../../src/config.js';
import { DashboardClient, startDashboardServer, type DashboardServer } from './api-client.js';

describe('TRUST_PROXY setting', () => {
  test('parses off, hop counts, true and address lists; refuses junk', () => {
    for (const off of [undefined, '', '0', 'false', 'off']) assert.equal(parseTrustProxy(off), undefined, String(off));
    assert.equal(loadConfig({}).trustProxy, undefined, 'default off');
    assert.equal(loadConfig({ TRUST_PROXY: '1' }).trustProxy, 1);
    assert.equal(parseTrustProxy('2'), 2);
    assert.equal(parseTrustProxy('true'), true);
    assert.deepEqual(parseTrustProxy(' 127.0.0.1, 10.0.0.0/8 ,fd00::/8,192.168.0.0/255.255.0.0,loopback'), ['127.0.0.1', '10.0.0.0/8', 'fd00::/8', '192.168.0.0/255.255.0.0', 'loopback']);
    for (const bad of ['proxy.example.com', '10.0.0.0/33', '1.2.3.4/8/8', '-1', 'yes please', ',']) {
      assert.throws(() => loadConfig({ TRUST_PROXY: bad }), /TRUST_PROXY must be/, bad);
    }
  });

  test('a hop count trusts exactly the nearest n hops', () => {
    const fn = fastifyTrustProxy(1) as (a: string, hop: number) => boolean;
    assert.equal(fn('127.0.0.1', 0), true);
    assert.equal(fn('203.0.113.1', 1), false);
    assert.equal(fastifyTrustProxy(undefined), false);
    assert.deepEqual(fastifyTrustProxy(['127.0.0.1']), ['127.0.0.1']);
  });
});

const WRONG = 'wrong password, over and over';

async function failLogins(srv: DashboardServer, n: number, forwardedFor?: string): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = new DashboardClient(srv.url);
    const r = await c.call('POST', '/api/login', { email: 'bob@example.com', password: WRONG }, { headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });
    statuses.push(r.status);
  }
  return statuses;
}

for (const [name, trustProxy] of [
  ['off (default)', undefined],
  ['a proxy address list (TRUST_PROXY=127.0.0.1)', ['127.0.0.1']],
  ['a hop count (TRUST_PROXY=1)', 1],
] as [string, Config['trustProxy']][]) {
  describe(`sign-in limit with TRUST_PROXY ${name}`, () => {
    let srv: DashboardServer;
    before(async () => {
      srv = await startDashboardServer({ config: { trustProxy } });
      assert.equal((await new DashboardClient(srv.url).signup('admin@example.com')).status, 201);
      assert.equal((await new DashboardClient(srv.url).signup('bob@example.com')).status, 201);
    });
    after(async () => srv?.close());

    test(trustProxy === undefined ? 'X-Forwarded-For is ignored: every client shares the peer address' : 'X-Forwarded-For from the trusted proxy is the limited address', async () => {
      assert.deepEqual(await failLogins(srv, 5, '203.0.113.7'), [401, 401, 401, 401, 401]);
      assert.equal((await failLogins(srv, 1, '203.0.113.7'))[0], 429, 'the same client is limited');
      const other = (await failLogins(srv, 1, '198.51.100.9'))[0];
      const direct = (await failLogins(srv, 1))[0];
      if (trustProxy === undefined) {
        assert.equal(other, 429, 'a different X-Forwarded-For is not believed');
        assert.equal(direct, 429);
      } else {
        assert.equal(other, 401, 'another client behind the proxy is not limited');
        assert.equal(direct, 401, 'the proxy itself (no X-Forwarded-For) is another address');
        // a client cannot escape by prepending its own entries: the proxy appends the real one last
        assert.equal((await failLogins(srv, 1, '10.9.9.9, 203.0.113.7'))[0], 429);
      }
    });

    test(trustProxy === undefined ? 'X-Forwarded-Proto is ignored for the Secure cookie' : 'X-Forwarded-Proto: https from the proxy marks the cookie Secure', async () => {
      const c = new DashboardClient(srv.url);
      const r = await c.call('POST', '/api/login', { email: 'admin@example.com', password: 'correct horse battery staple' }, { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '192.0.2.44' } });
      assert.equal(r.status, 200, r.text);
      if (trustProxy === undefined) assert.doesNotMatch(r.headers.get('set-cookie') ?? '', /Secure/);
      else assert.match(r.headers.get('set-cookie') ?? '', /; Secure/);
    });
  });
}
