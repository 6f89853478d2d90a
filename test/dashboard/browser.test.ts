// The dashboard in a real browser (Debian's Chromium driven by playwright-core): sign up, create a
// BYOK key pointing at the mock upstream, read it once, call the gateway with it through the
// openai client, see the call in Usage with its savings, revoke it and see the next call fail with
// 401; a second account sees none of it and cannot revoke it. Screenshots of every page at desktop
// and phone width go to test-artifacts/dashboard-<time>/ (printed below).
// Without /usr/bin/chromium the test fails when CI=true and is skipped (loudly) otherwise.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import OpenAI from 'openai';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startMockUpstream, type MockUpstream } from '../helpers/mock-upstream.js';
import { startDashboardServer, type DashboardServer } from './api-client.js';
import { webDistDir } from '../../src/gateway/routes/dashboard-static.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const UPSTREAM_KEY = 'sk-upstream-BROWSER-SECRET-0123456789abcdef';
const PASSWORD = 'a long enough password';
const DESKTOP = { width: 1366, height: 860 };
const PHONE = { width: 390, height: 844 };

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === 'true') {
  test('browser tests need Chromium', () => {
    assert.fail(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium; .ci/run does this) or set CHROMIUM_PATH`);
  });
} else if (!haveChromium) {
  test('browser tests (Chromium missing)', { skip: `Chromium not found at ${CHROMIUM} — apt-get install -y chromium` }, () => undefined);
} else {
  describe('dashboard in Chromium', { timeout: 240_000 }, () => {
    let mock: MockUpstream;
    let srv: DashboardServer;
    let browser: Browser;
    const contexts: BrowserContext[] = [];
    const shots = resolve('test-artifacts', `dashboard-${new Date().toISOString().replace(/[:.]/g, '-')}`);

    const shot = async (page: Page, name: string) => {
      // a function, not a string: Playwright polls a string predicate with eval, which the
      // dashboard's CSP (script-src 'self') refuses whenever the first check is false
      await page.waitForFunction(() => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown; fonts: { status: string } } }).document;
        return !doc.querySelector('.spinner') && doc.fonts.status === 'loaded';
      });
      await page.evaluate('window.scrollTo(0, 0)'); // a full-page shot of a scrolled page offsets the sticky sidebar
      await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    };
    const newPage = async (viewport = DESKTOP): Promise<Page> => {
      const ctx = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: 'en-US', timezoneId: 'UTC' });
      contexts.push(ctx);
      const page = await ctx.newPage();
      page.setDefaultTimeout(15_000);
      return page;
    };
    const callGateway = (key: string) =>
      new OpenAI({ apiKey: key, baseURL: `${srv.url}/v1`, maxRetries: 0, timeout: 10_000 }).chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [
          {
            role: 'user',
            content: `Inventory:\n${JSON.stringify(
              Array.from({ length: 50 }, (_, i) => ({ sku: `SKU-${1000 + i}`, name: `item ${i}`, stock: (i * 7) % 23, warehouse: i % 3 === 0 ? 'north' : 'south' })),
              null,
              4,
            )}\n\nWhich SKUs are out of stock?`,
          },
        ],
      });

    before(async () => {
      if (!existsSync(join(webDistDir(), 'index.html'))) {
        const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', 'web', '--logLevel', 'warn'], { stdio: 'inherit' });
        assert.equal(r.status, 0, 'building the web app failed');
      }
      mkdirSync(shots, { recursive: true });
      console.log(`dashboard screenshots: ${shots}`);
      mock = await startMockUpstream();
      srv = await startDashboardServer({ mock });
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
      });
    });

    after(async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser?.close().catch(() => undefined);
      await srv?.close();
      await mock?.close();
    });

    let secret = '';
    let keyId = '';

    test('sign up, create a BYOK key, read it once, use it, see usage, revoke it', async () => {
      const page = await newPage();
      await page.goto(srv.url);
      await page.getByRole('heading', { name: 'Create the administrator account' }).waitFor();
      await shot(page, 'desktop-01-signup');
      await page.getByLabel('Email').fill('alice@example.com');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      await page.getByText('Get started in two steps').waitFor();
      await shot(page, 'desktop-02-overview-empty');

      await page.getByRole('link', { name: 'API keys' }).click();
      await page.getByText('No API keys yet').waitFor();
      await shot(page, 'desktop-03-keys-empty');
      await page.getByRole('button', { name: 'Create your first key' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Name').fill('Production backend');
      await dialog.getByText('Bring your own key').click();
      // Azure's base URL is a template: placeholder text to replace, and refused unchanged
      await dialog.locator('select[name=preset]').selectOption('azure');
      const baseUrlInput = dialog.getByLabel('Upstream base URL');
      assert.equal(await baseUrlInput.inputValue(), '');
      assert.match((await baseUrlInput.getAttribute('placeholder')) ?? '', /YOUR-RESOURCE/);
      await dialog.getByLabel('Upstream API key').focus();
      await shot(page, 'desktop-04a-create-key-azure-empty');
      await baseUrlInput.fill('https://YOUR-RESOURCE.openai.azure.com/openai/v1');
      await dialog.getByLabel('Upstream API key').fill(UPSTREAM_KEY);
      await dialog.getByRole('button', { name: 'Create key' }).click();
      await dialog.getByText('Replace YOUR-RESOURCE in the base URL').waitFor();
      await shot(page, 'desktop-04b-create-key-azure-refused');
      await dialog.locator('select[name=preset]').selectOption('custom');
      await dialog.getByLabel('Upstream base URL').fill(mock.baseUrl);
      await dialog.getByLabel('Upstream API key').fill(UPSTREAM_KEY);
      await shot(page, 'desktop-04-create-key');
      await dialog.getByRole('button', { name: 'Create key' }).click();
      await page.getByRole('heading', { name: 'Your new API key' }).waitFor();
      secret = (await page.getByTestId('new-key').textContent())?.trim() ?? '';
      assert.match(secret, /^sk-occ-[A-Za-z0-9]{40,}$/);
      await shot(page, 'desktop-05-key-created');
      await page.getByRole('button', { name: 'I have saved my key' }).click();
      const row = page.locator('[data-testid=keys-table] tbody tr').first();
      await row.getByText('Production backend').waitFor();
      keyId = (await row.getAttribute('data-key-id')) ?? '';
      assert.ok(keyId);
      // a preset key shows the provider's name, not its id ("Azure OpenAI", not "azure")
      const azureStatus = await page.evaluate(async () => {
        const me = (await (await fetch('/api/me')).json()) as { csrfToken: string };
        const body = { name: 'Azure staging', mode: 'byok', upstreamPreset: 'azure', upstreamBaseUrl: 'https://my-company.openai.azure.com/openai/v1', upstreamKey: 'azure-upstream-key-0123456789wxyz' };
        const r = await fetch('/api/keys', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, body: JSON.stringify(body) });
        return r.status;
      });
      assert.equal(azureStatus, 201);
      await page.reload();
      await page.locator('[data-testid=keys-table]').getByText('Azure OpenAI · key …wxyz').waitFor();
      // a 1366px laptop shows the Created column, and the table fits without scrolling sideways
      assert.ok(await page.locator('[data-testid=keys-table] th', { hasText: 'Created' }).isVisible(), 'Created column visible at 1366px');
      const tableOverflow = Number(await page.evaluate("(s => s.scrollWidth - s.clientWidth)(document.querySelector('.table-scroll'))"));
      assert.ok(tableOverflow <= 1, `keys table fits at 1366px (${tableOverflow}px overflow)`);
      const html = await page.content();
      assert.ok(!html.includes(secret), 'the key is shown once only');
      assert.ok(!html.includes(UPSTREAM_KEY), 'the upstream key never reaches the page');
      assert.ok(html.includes(`…${UPSTREAM_KEY.slice(-4)}`), 'its last 4 characters are shown');
      await shot(page, 'desktop-06-keys');

      const reply = await callGateway(secret);
      assert.ok(reply.choices[0].message.content);
      await srv.app.services.billing.flush();

      await page.getByRole('link', { name: 'Usage' }).click();
      const usageRow = page.locator('[data-testid=usage-table] tbody tr').first();
      await usageRow.waitFor();
      assert.match((await usageRow.textContent()) ?? '', /Production backend/);
      assert.match((await usageRow.textContent()) ?? '', /gpt-4o-mini/);
      const savings = (await usageRow.getByTestId('row-savings').textContent()) ?? '';
      assert.match(savings, /^\$0\.\d+|^\$\d/);
      assert.notEqual(savings, '$0.00', 'the request saved money');
      await shot(page, 'desktop-07-usage');

      await page.getByRole('link', { name: 'Overview' }).click();
      await page.getByText('Input tokens, last 30 days').waitFor();
      await shot(page, 'desktop-08-overview');

      await page.getByRole('link', { name: 'Playground' }).click();
      // over the Playground's input cap: the server's 400 is shown in the form
      await page.locator('textarea[name=input]').fill('word '.repeat(40_001));
      await page.getByRole('button', { name: 'Compress', exact: true }).click();
      await page.getByRole('alert').getByText('at most 200,000 characters of message text; this input has 200,005').waitFor();
      await shot(page, 'desktop-09a-playground-too-large');
      await page.getByRole('button', { name: 'Load example' }).click();
      await page.getByRole('button', { name: 'Compress', exact: true }).click();
      await page.getByTestId('playground-result').waitFor();
      await shot(page, 'desktop-09-playground');

      // error state: the first /api/billing answers 500; the page says so, and Try again recovers
      await page.route((url) => url.pathname === '/api/billing', (route) => route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { message: 'The server had an error (injected by the test).', type: 'server_error', code: null } }) }), { times: 1 });
      await page.getByRole('link', { name: 'Billing' }).click();
      const failed = page.locator('.state-error');
      await failed.getByText('Something went wrong').waitFor();
      await failed.getByText('The server had an error (injected by the test).').waitFor();
      assert.equal(await page.locator('[data-testid=ledger-table]').count(), 0);
      await shot(page, 'desktop-10a-billing-error');
      await failed.getByRole('button', { name: 'Try again' }).click();
      await page.getByRole('heading', { name: 'Grant credits' }).waitFor();
      await page.locator('[data-testid=ledger-table]').waitFor();
      await shot(page, 'desktop-10-billing');
      // past one page of ledger entries, the pager reaches the oldest (the welcome credit)
      const granted = await page.evaluate(async () => {
        const me = (await (await fetch('/api/me')).json()) as { csrfToken: string; account: { id: string } };
        let ok = 0;
        for (let i = 0; i < 25; i++) {
          const r = await fetch('/api/admin/credits', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, body: JSON.stringify({ accountId: me.account.id, usd: 0.01, note: `top-up ${i}` }) });
          if (r.ok) ok++;
        }
        return ok;
      });
      assert.equal(granted, 25);
      await page.reload();
      const pager = page.getByTestId('ledger-pager');
      await pager.getByText('27 entries · page 1 of 2').waitFor();
      assert.equal(await page.locator('[data-testid=ledger-table] tbody tr').count(), 25);
      await pager.getByRole('button', { name: 'Next' }).click();
      await pager.getByText('page 2 of 2').waitFor();
      await page.locator('[data-testid=ledger-table]').getByText('Welcome credit').waitFor();
      await shot(page, 'desktop-10b-billing-ledger-page-2');

      await page.getByRole('link', { name: 'API keys' }).click();
      await page.locator(`tr[data-key-id="${keyId}"]`).getByRole('button', { name: 'Revoke' }).click();
      await page.getByRole('heading', { name: 'Revoke this key?' }).waitFor();
      await shot(page, 'desktop-11-revoke-confirm');
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
      await page.locator(`tr[data-key-id="${keyId}"]`).getByText('Revoked').waitFor();
      await assert.rejects(callGateway(secret), (e: unknown) => (e as { status?: number }).status === 401);
    });

    test("a second account cannot see or revoke the first account's key", async () => {
      const page = await newPage();
      await page.goto(`${srv.url}/signup`);
      await page.getByLabel('Email').fill('bob@example.com');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      await page.getByRole('link', { name: 'API keys' }).click();
      await page.getByText('No API keys yet').waitFor();
      assert.ok(!(await page.content()).includes('Production backend'));
      // and at the API level, from bob's signed-in browser
      const status = await page.evaluate(async (id) => {
        const me = (await (await fetch('/api/me')).json()) as { csrfToken: string };
        const r = await fetch(`/api/keys/${id}/revoke`, { method: 'POST', headers: { 'x-csrf-token': me.csrfToken } });
        return r.status;
      }, keyId);
      assert.equal(status, 404);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in to OpenCompress' }).waitFor();
      await shot(page, 'desktop-12-signin');
    });

    test('phone width: every page renders', async () => {
      const page = await newPage(PHONE);
      await page.goto(`${srv.url}/signin`);
      await page.getByLabel('Email').fill('alice@example.com');
      await page.getByLabel('Password').fill(PASSWORD);
      await shot(page, 'phone-01-signin');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('Input tokens, last 30 days').waitFor();
      await shot(page, 'phone-02-overview');
      // every tab of the top bar is fully on screen (none clipped at the right edge)
      const clipped = await page.evaluate(
        "[...document.querySelectorAll('.nav-item')].filter((a) => { const r = a.getBoundingClientRect(); return r.left < 0 || r.right > window.innerWidth || r.width === 0; }).map((a) => a.textContent)",
      );
      assert.deepEqual(clipped, [], 'all tabs visible at phone width');
      for (const [n, link, ready] of [
        ['03-keys', 'API keys', '[data-testid=keys-table]'],
        ['04-usage', 'Usage', '[data-testid=usage-table]'],
        ['05-billing', 'Billing', '[data-testid=ledger-table]'],
      ] as const) {
        await page.getByRole('link', { name: link }).click();
        await page.locator(ready).waitFor();
        await shot(page, `phone-${n}`);
      }
      await page.getByRole('link', { name: 'Playground' }).click();
      await page.getByRole('button', { name: 'Load example' }).click();
      await page.getByRole('button', { name: 'Compress', exact: true }).click();
      await page.getByTestId('playground-result').waitFor();
      await shot(page, 'phone-06-playground');
      await page.getByRole('link', { name: 'API keys' }).click();
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByRole('dialog').waitFor();
      await shot(page, 'phone-07-create-key');
      const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
      assert.ok(overflow <= 1, `no horizontal page overflow at phone width (${overflow}px)`);
    });
  });
}
