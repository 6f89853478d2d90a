// The dashboard API end to end over HTTP: sign-up (first account is admin), sessions and cookies,
// CSRF, the sign-in rate limit, keys (create once, never the upstream key, 5-key limit, revoke →
// 401 on the gateway), account isolation, usage after a real call, billing, admin, playground,
// SIGNUP=closed, and the static UI routes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startMockUpstream, type MockUpstream } from '../helpers/mock-upstream.js';
import { DashboardClient, startDashboardServer, type DashboardServer } from './api-client.js';

const UPSTREAM_KEY = 'sk-upstream-DASHBOARD-SECRET-abcdef0123456789';

function bigPrompt(): string {
  const rows = Array.from({ length: 60 }, (_, i) => ({ id: 1000 + i, customer: `customer-${i}`, status: i % 7 === 0 ? 'refunded' : 'shipped', total: (i * 3.7).toFixed(2) }));
  return `Orders:\n${JSON.stringify(rows, null, 4)}\n\nWhich orders were refunded?`;
}

describe('dashboard API', () => {
  let mock: MockUpstream;
  let srv: DashboardServer;
  let alice: DashboardClient;
  let bob: DashboardClient;

  before(async () => {
    mock = await startMockUpstream();
    srv = await startDashboardServer({ mock });
    alice = new DashboardClient(srv.url);
    bob = new DashboardClient(srv.url);
  });
  after(async () => {
    await srv?.close();
    await mock?.close();
  });

  test('a fresh install asks for the admin account; the first sign-up is the admin', async () => {
    const meta = await alice.call('GET', '/api/meta');
    assert.equal(meta.status, 200);
    assert.equal(meta.body.setupRequired, true);
    assert.equal(meta.body.signup, 'open');
    assert.equal(meta.body.maxActiveKeys, 5);
    assert.ok(meta.body.presets.some((p: { id: string }) => p.id === 'azure'));
    const r = await alice.signup('alice@example.com');
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.account.isAdmin, true);
    assert.ok(!('passwordHash' in r.body.account) && !r.text.includes('scrypt'));
    const cookie = r.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^oc_session=[A-Za-z0-9_-]{43};/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.doesNotMatch(cookie, /Secure/, 'plain http: no Secure flag');
    const b = await bob.signup('bob@example.com');
    assert.equal(b.status, 201);
    assert.equal(b.body.account.isAdmin, false);
    assert.equal((await bob.signup('bob@example.com')).status, 409);
    assert.equal((await new DashboardClient(srv.url).signup('short@example.com', 'short')).status, 400);
    assert.equal((await alice.call('GET', '/api/meta')).body.setupRequired, false);
  });

  test('/api/me needs the session cookie', async () => {
    const anon = new DashboardClient(srv.url);
    const r = await anon.call('GET', '/api/me');
    assert.equal(r.status, 401);
    assert.equal(r.body.error.type, 'auth_error');
    const me = await alice.call('GET', '/api/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.account.email, 'alice@example.com');
    assert.equal(me.body.csrfToken, alice.csrf);
    assert.equal((await anon.call('GET', '/api/keys')).status, 401);
  });

  test('CSRF: state changes need the token and a same-origin Origin', async () => {
    const body = { name: 'x', mode: 'byok', upstreamPreset: 'custom', upstreamBaseUrl: mock.baseUrl, upstreamKey: UPSTREAM_KEY };
    const noToken = await alice.call('POST', '/api/keys', body, { csrf: false });
    assert.equal(noToken.status, 403);
    assert.equal(noToken.body.error.code, 'csrf_failed');
    const wrongToken = await alice.call('POST', '/api/keys', body, { headers: { 'x-csrf-token': 'A'.repeat(43) } });
    assert.equal(wrongToken.status, 403);
    const evil = await alice.call('POST', '/api/keys', body, { headers: { origin: 'https://evil.example' } });
    assert.equal(evil.status, 403);
    const crossSite = await alice.call('POST', '/api/keys', body, { headers: { origin: '', 'sec-fetch-site': 'cross-site' } });
    assert.equal(crossSite.status, 403);
    const loginCsrf = await new DashboardClient(srv.url).call('POST', '/api/login', { email: 'alice@example.com', password: 'x' }, { headers: { origin: 'https://evil.example' } });
    assert.equal(loginCsrf.status, 403);
    assert.equal((await alice.call('GET', '/api/keys')).body.data.length, 0, 'nothing was created');
    // behind a TLS-terminating proxy the browser says https while the request arrives as http
    const proxied = await alice.call('PATCH', '/api/keys/key_missing', { rpm: 1 }, { headers: { origin: srv.url.replace('http:', 'https:') } });
    assert.equal(proxied.status, 404, 'same host, other scheme: not a CSRF rejection');
  });

  let aliceKey = '';
  let aliceKeyId = '';

  test('create a BYOK key: the raw key once, the upstream key never', async () => {
    const r = await alice.call('POST', '/api/keys', { name: 'Production', mode: 'byok', upstreamPreset: 'custom', upstreamBaseUrl: mock.baseUrl, upstreamKey: UPSTREAM_KEY });
    assert.equal(r.status, 201, r.text);
    assert.match(r.body.secret, /^sk-occ-[A-Za-z0-9]{40,}$/);
    assert.equal(r.body.key.upstreamKeyLast4, UPSTREAM_KEY.slice(-4));
    assert.equal(r.body.key.mode, 'byok');
    assert.ok(!r.text.includes(UPSTREAM_KEY), 'upstream key not echoed');
    assert.ok(!('accountId' in r.body.key));
    aliceKey = r.body.secret;
    aliceKeyId = r.body.key.id;
    const list = await alice.call('GET', '/api/keys');
    assert.equal(list.body.data.length, 1);
    assert.equal(list.body.activeCount, 1);
    assert.ok(!list.text.includes(UPSTREAM_KEY));
    assert.ok(!list.text.includes(aliceKey), 'the raw key is shown only at creation');
    const [head, tail] = String(list.body.data[0].prefix).split('…');
    assert.ok(aliceKey.startsWith(head) && aliceKey.endsWith(tail ?? ''), 'the prefix is a display form of the key');
    // validation errors are readable 400s
    const bad = await alice.call('POST', '/api/keys', { name: 'bad', mode: 'byok', upstreamBaseUrl: 'not a url', upstreamKey: 'k' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.type, 'invalid_request_error');
  });

  test("a base URL that still holds the Azure preset's YOUR-RESOURCE placeholder is refused", async () => {
    const meta = await alice.call('GET', '/api/meta');
    const azure = meta.body.presets.find((p: { id: string }) => p.id === 'azure');
    assert.match(azure.baseUrl, /YOUR-RESOURCE/, 'the preset is a template');
    for (const url of [azure.baseUrl, 'https://your-resource.openai.azure.com?api-version=2024-10-21', 'https://YOUR-RESOURCE.openai.azure.com/openai/v1/']) {
      const r = await alice.call('POST', '/api/keys', { name: 'Azure', mode: 'byok', upstreamPreset: 'azure', upstreamBaseUrl: url, upstreamKey: UPSTREAM_KEY });
      assert.equal(r.status, 400, url);
      assert.equal(r.body.error.code, 'invalid_input');
      assert.match(r.body.error.message, /still contains the placeholder YOUR-RESOURCE: replace it/);
      assert.ok(!r.text.includes(UPSTREAM_KEY));
    }
    assert.equal((await alice.call('GET', '/api/keys')).body.data.length, 1, 'no key was created');
  });

  test('another account cannot see, revoke or change the key', async () => {
    const list = await bob.call('GET', '/api/keys');
    assert.equal(list.status, 200);
    assert.equal(list.body.data.length, 0);
    assert.equal((await bob.call('POST', `/api/keys/${aliceKeyId}/revoke`)).status, 404);
    assert.equal((await bob.call('PATCH', `/api/keys/${aliceKeyId}`, { rpm: 1 })).status, 404);
    const usage = await bob.call('GET', `/api/usage?keyId=${aliceKeyId}`);
    assert.equal(usage.body.total, 0);
    assert.equal((await alice.call('GET', '/api/keys')).body.data[0].status, 'active');
  });

  test('the key works through the openai client and the call shows up in usage with savings', async () => {
    const client = new OpenAI({ apiKey: aliceKey, baseURL: `${srv.url}/v1`, maxRetries: 0 });
    const reply = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: bigPrompt() }] });
    assert.ok(reply.choices[0].message.content);
    await srv.app.services.billing.flush();
    const usage = await alice.call('GET', '/api/usage');
    assert.equal(usage.status, 200);
    assert.equal(usage.body.total, 1);
    const row = usage.body.data[0];
    assert.equal(row.keyId, aliceKeyId);
    assert.equal(row.keyName, 'Production');
    assert.equal(row.model, 'gpt-4o-mini');
    assert.ok(row.originalInputTokens > row.compressedInputTokens, JSON.stringify(row));
    assert.ok(row.savingsUsd > 0, JSON.stringify(row));
    const overview = await alice.call('GET', '/api/overview');
    assert.equal(overview.body.month.calls, 1);
    assert.equal(overview.body.daily.length, 30);
    assert.ok(overview.body.month.tokensSaved > 0);
    const monthly = await alice.call('GET', '/api/usage/monthly');
    assert.equal(monthly.body.data[0].calls, 1);
    const csv = await alice.call('GET', '/api/usage.csv');
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    assert.equal(csv.text.trim().split('\n').length, 2);
    const filtered = await alice.call('GET', '/api/usage?model=other-model');
    assert.equal(filtered.body.total, 0);
    assert.equal((await alice.call('GET', '/api/usage?from=2020-13-45')).status, 400);
  });

  test('limits can be changed; revoking stops the key at once (401)', async () => {
    const upd = await alice.call('PATCH', `/api/keys/${aliceKeyId}`, { rpm: 120, concurrency: 4 });
    assert.equal(upd.status, 200);
    assert.equal(upd.body.key.rpm, 120);
    assert.equal((await alice.call('PATCH', `/api/keys/${aliceKeyId}`, { rpm: -1 })).status, 400);
    const rev = await alice.call('POST', `/api/keys/${aliceKeyId}/revoke`);
    assert.equal(rev.status, 200);
    assert.equal(rev.body.key.status, 'revoked');
    const client = new OpenAI({ apiKey: aliceKey, baseURL: `${srv.url}/v1`, maxRetries: 0 });
    await assert.rejects(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }), (e: unknown) => (e as { status?: number }).status === 401);
  });

  test('at most 5 active keys, with an explanation', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await alice.call('POST', '/api/keys', { name: `k${i}`, mode: 'router' });
      assert.equal(r.status, 201, r.text);
    }
    const sixth = await alice.call('POST', '/api/keys', { name: 'k6', mode: 'router' });
    assert.equal(sixth.status, 409);
    assert.match(sixth.body.error.message, /at most 5 active keys/);
  });

  test('billing: balance and ledger; admin grants credits; non-admins cannot', async () => {
    const before = await bob.call('GET', '/api/billing');
    assert.equal(before.status, 200);
    assert.equal(before.body.balanceUsd, srv.config.freeCreditUsd);
    assert.equal((await bob.call('GET', '/api/admin/accounts')).status, 403);
    assert.equal((await bob.call('POST', '/api/admin/credits', { accountId: 'x', usd: 5 })).status, 403);
    const accounts = await alice.call('GET', '/api/admin/accounts');
    assert.equal(accounts.status, 200);
    assert.ok(!accounts.text.includes('scrypt'));
    const bobId = accounts.body.data.find((a: { email: string }) => a.email === 'bob@example.com').id;
    const grant = await alice.call('POST', '/api/admin/credits', { accountId: bobId, usd: 10, note: 'invoice 1' });
    assert.equal(grant.status, 200, grant.text);
    assert.equal(grant.body.balanceUsd, srv.config.freeCreditUsd + 10);
    const afterB = await bob.call('GET', '/api/billing');
    assert.ok(afterB.body.ledger.some((e: { kind: string; amountUsd: number; note: string }) => e.kind === 'grant' && e.amountUsd === 10 && e.note === 'invoice 1'));
    assert.equal((await alice.call('POST', '/api/admin/credits', { accountId: 'acct_nope', usd: 1 })).status, 404);
    assert.equal((await alice.call('POST', '/api/admin/credits', { accountId: bobId, usd: -1 })).status, 400);
  });

  test('billing ledger is paged: every entry reachable, newest first, no overlap', async () => {
    const first = await bob.call('GET', '/api/billing');
    assert.equal(first.body.page, 1);
    assert.equal(first.body.pageSize, 25);
    const before = first.body.ledgerTotal as number;
    const bobId = (await alice.call('GET', '/api/admin/accounts')).body.data.find((a: { email: string }) => a.email === 'bob@example.com').id;
    for (let i = 0; i < 30; i++) assert.equal((await alice.call('POST', '/api/admin/credits', { accountId: bobId, usd: 0.01, note: `grant ${i}` })).status, 200);
    const total = before + 30;
    const seen: { id: string; at: string; note: string | null }[] = [];
    const pageSize = 12;
    for (let page = 1; page <= Math.ceil(total / pageSize); page++) {
      const r = await bob.call('GET', `/api/billing?page=${page}&pageSize=${pageSize}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.ledgerTotal, total);
      assert.equal(r.body.page, page);
      assert.equal(r.body.ledger.length, Math.min(pageSize, total - (page - 1) * pageSize));
      seen.push(...r.body.ledger);
    }
    assert.equal(new Set(seen.map((e) => e.id)).size, total, 'every entry once across the pages');
    assert.equal(seen[0].note, 'grant 29', 'newest first');
    assert.ok(seen.every((e, i) => i === 0 || seen[i - 1].at >= e.at), 'ordered by time, newest first');
    assert.ok(seen.slice(-before).every((e) => !/^grant \d+$/.test(e.note ?? '')), 'the oldest entries are on the last page');
    const past = await bob.call('GET', `/api/billing?page=${Math.ceil(total / pageSize) + 1}&pageSize=${pageSize}`);
    assert.equal(past.body.ledger.length, 0);
    assert.equal(past.body.ledgerTotal, total);
    for (const q of ['page=0', 'pageSize=0', 'pageSize=201', 'page=x']) assert.equal((await bob.call('GET', `/api/billing?${q}`)).status, 400, q);
    // the default page holds the latest 25, and only the account's own entries
    assert.equal((await bob.call('GET', '/api/billing')).body.ledger.length, 25);
    assert.ok(!(await alice.call('GET', '/api/billing?pageSize=200')).body.ledger.some((e: { note: string | null }) => /^grant \d+$/.test(e.note ?? '')));
  });

  test('playground compresses without calling the upstream', async () => {
    const before = mock.requests.length;
    const r = await alice.call('POST', '/api/playground/compress', { text: bigPrompt(), level: 'balanced', model: 'gpt-4o-mini' });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.stats.compressedTokens < r.body.stats.originalTokens);
    assert.equal(r.body.original.length, 1);
    assert.equal(r.body.compressed.length, 1);
    assert.ok(r.body.savingsUsd > 0);
    assert.equal(mock.requests.length, before);
    assert.equal((await alice.call('POST', '/api/playground/compress', { level: 'balanced' })).status, 400);
  });

  test('playground input is capped (the engine runs on the event loop): a clear 400 over the limit', async () => {
    const max = (await alice.call('GET', '/api/meta')).body.playgroundMaxChars;
    assert.equal(max, 200_000);
    const word = 'lorem ipsum dolor sit amet ';
    const over = word.repeat(Math.ceil((max + 1) / word.length)).slice(0, max + 1);
    const t0 = Date.now();
    const text = await alice.call('POST', '/api/playground/compress', { text: over, level: 'aggressive', model: 'gpt-4o-mini' });
    assert.equal(text.status, 400);
    assert.equal(text.body.error.code, 'input_too_large');
    assert.match(text.body.error.message, /at most 200,000 characters of message text; this input has 200,001/);
    assert.ok(Date.now() - t0 < 2000, 'refused before compressing');
    // the cap counts every message's text together, text parts included
    const half = over.slice(0, max / 2 + 1);
    const messages = await alice.call('POST', '/api/playground/compress', {
      messages: [
        { role: 'system', content: half },
        { role: 'user', content: [{ type: 'text', text: half }] },
      ],
    });
    assert.equal(messages.status, 400);
    assert.equal(messages.body.error.code, 'input_too_large');
    const smaller = await alice.call('POST', '/api/playground/compress', { text: over.slice(0, 20_000), level: 'balanced' });
    assert.equal(smaller.status, 200, 'smaller inputs still work');
  });

  test('sign-in is rate-limited per e-mail and address', async () => {
    const c = new DashboardClient(srv.url);
    for (let i = 0; i < 5; i++) assert.equal((await c.login('bob@example.com', 'wrong password')).status, 401);
    const limited = await c.login('bob@example.com', 'wrong password');
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.equal((await c.login('bob@example.com')).status, 429, 'even the right password waits');
    assert.equal((await c.login('alice@example.com')).status, 200, 'other e-mails are not locked');
  });

  test('sign-out ends the session', async () => {
    const c = new DashboardClient(srv.url);
    assert.equal((await c.login('alice@example.com')).status, 200);
    const cookie = c.cookie;
    assert.equal((await c.call('POST', '/api/logout')).status, 204);
    c.cookie = cookie;
    assert.equal((await c.call('GET', '/api/me')).status, 401);
  });

  test('the UI is served at / with an SPA fallback; unknown API paths stay JSON 404', async () => {
    const root = await fetch(`${srv.url}/`, { headers: { accept: 'text/html' } });
    const rootText = await root.text();
    if (root.status === 503) {
      assert.match(rootText, /npm run build/);
      return;
    }
    assert.equal(root.status, 200);
    assert.match(rootText, /<div id="root">/);
    const deep = await fetch(`${srv.url}/usage`, { headers: { accept: 'text/html' } });
    assert.equal(deep.status, 200);
    assert.match(await deep.text(), /<div id="root">/);
    const api404 = await fetch(`${srv.url}/api/nope`, { headers: { accept: 'text/html' } });
    assert.equal(api404.status, 404);
    assert.equal(((await api404.json()) as { error: { type: string } }).error.type, 'not_found_error');
    const v1404 = await fetch(`${srv.url}/v1/nope`);
    assert.equal(v1404.status, 404);
    assert.equal((await fetch(`${srv.url}/assets/missing.js`)).status, 404);
  });

  test('no secret in any log line', () => {
    const all = srv.logs.join('\n');
    assert.ok(!all.includes(UPSTREAM_KEY));
    assert.ok(!all.includes(aliceKey));
    assert.ok(!all.includes('correct horse battery staple'));
    assert.ok(!/oc_session=[A-Za-z0-9_-]{43}/.test(all));
  });
});

describe('dashboard API with SIGNUP=closed', () => {
  let srv: DashboardServer;
  before(async () => {
    srv = await startDashboardServer({ config: { signup: 'closed', publicUrl: 'https://dash.example.com' } });
  });
  after(async () => srv?.close());

  test('self-service sign-up is refused; the admin creates accounts', async () => {
    const c = new DashboardClient(srv.url);
    const meta = await c.call('GET', '/api/meta');
    assert.equal(meta.body.signup, 'closed');
    const r = await c.signup('someone@example.com');
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'signup_closed');
    // the operator creates the admin with the CLI; here through the accounts API
    const { createAccount } = await import('../../src/accounts/accounts.js');
    await createAccount(srv.app.services.store, { email: 'admin@example.com', password: 'correct horse battery staple' });
    const admin = new DashboardClient(srv.url);
    const login = await admin.login('admin@example.com');
    assert.equal(login.status, 200);
    assert.match(login.headers.get('set-cookie') ?? '', /; Secure/, 'PUBLIC_URL is https: the cookie is Secure');
    assert.equal((await admin.call('GET', '/api/meta')).body.baseUrl, 'https://dash.example.com');
    const created = await admin.call('POST', '/api/admin/accounts', { email: 'new@example.com', password: 'another good password' });
    assert.equal(created.status, 201, created.text);
    const user = new DashboardClient(srv.url);
    assert.equal((await user.login('new@example.com', 'another good password')).status, 200);
    assert.equal((await user.call('GET', '/api/me')).body.account.isAdmin, false);
  });
});
