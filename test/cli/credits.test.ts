// `opencompress credits grant|balance` through the real CLI against a temporary SQLite data dir.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'oc-credits-'));
const env = { ...process.env, NODE_ENV: 'test', DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', OPENCOMPRESS_MASTER_KEY: randomBytes(32).toString('base64'), FREE_CREDIT_USD: '1' };
after(() => rmSync(dataDir, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('opencompress credits', () => {
  let accountId = '';

  test('grant --json prints one object with the new balance (free credit + grant)', () => {
    const created = cli('accounts', 'create', '--email', 'credits@example.com', '--json');
    assert.equal(created.code, 0, created.stderr);
    accountId = JSON.parse(created.stdout).id;
    const r = cli('credits', 'grant', '--account', accountId, '--usd', '10', '--json');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    assert.deepEqual(JSON.parse(lines[0]), { account_id: accountId, granted_usd: 10, balance_usd: 11 });
  });

  test('grant without --json prints the balance; balance --json lists the ledger', () => {
    const r = cli('credits', 'grant', '--account', accountId, '--usd', '0.25', '--note', 'promo');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Balance: \$11\.250000/);
    const b = cli('credits', 'balance', '--account', accountId, '--json');
    assert.equal(b.code, 0, b.stderr);
    const out = JSON.parse(b.stdout);
    assert.equal(out.balance_usd, 11.25);
    assert.deepEqual(out.ledger.map((l: any) => [l.kind, l.amount_usd]), [['grant', 0.25], ['grant', 10], ['free_credit', 1]]);
    assert.equal(out.ledger[0].note, 'promo');
  });

  test('bad input: exit code 2 and a clear message', () => {
    const unknown = cli('credits', 'grant', '--account', 'acct_nope', '--usd', '5');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no account with id acct_nope/);
    for (const usd of ['0', '-1', 'abc', '1.1234567']) {
      const r = cli('credits', 'grant', '--account', accountId, '--usd', usd);
      assert.equal(r.code, 2, `--usd ${usd}`);
      assert.match(r.stderr, /--usd/);
    }
    assert.equal(cli('credits', 'grant', '--usd', '1').code, 2);
    assert.equal(cli('credits', 'grant', '--help').code, 0);
  });
});
