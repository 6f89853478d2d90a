// `opencompress accounts|keys|migrate|rotate-master-key` through the real CLI (spawned with tsx)
// against a temporary DATA_DIR (embedded default: SQLite + generated master key), plus one run on
// PostgreSQL. Keys made by the CLI are verified through the library, as the gateway would.
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKeyService } from '../../src/accounts/keys.js';
import { authenticate } from '../../src/accounts/accounts.js';
import { createSecrets, upstreamKeyAad } from '../../src/secrets/index.js';
import { openStore } from '../../src/store/index.js';
import { createTestDb, type TestDb } from '../store/test-db.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'occ-cli-keys-'));
const UPSTREAM_KEY = 'sk-cli-upstream-SECRET-9876';
const baseEnv = { ...process.env, NODE_ENV: 'test', DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', OPENCOMPRESS_MASTER_KEY: '', OPENCOMPRESS_PREVIOUS_MASTER_KEYS: '', ALLOW_PRIVATE_UPSTREAMS: '' };
after(() => rmSync(dataDir, { recursive: true, force: true }));

// Most cases run the command in this process (fast); the end-to-end ones spawn the real binary.
Object.assign(process.env, baseEnv);

async function inproc(args: string[], env: Record<string, string> = {}) {
  const [cmd, ...rest] = args;
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const mod = (await import(`../../src/cli/${cmd}.ts`)) as { run(argv: string[]): Promise<number> };
  let stdout = '';
  let stderr = '';
  const { log, error } = console;
  console.log = (...a: unknown[]) => void (stdout += a.join(' ') + '\n');
  console.error = (...a: unknown[]) => void (stderr += a.join(' ') + '\n');
  let code: number;
  try {
    code = await mod.run(rest);
  } finally {
    console.log = log;
    console.error = error;
    for (const k of Object.keys(env)) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
  assert.ok(!stdout.includes(UPSTREAM_KEY) && !stderr.includes(UPSTREAM_KEY), `upstream key leaked by ${args.join(' ')}`);
  return { code, stdout, stderr };
}

function cli(args: string[], env: Record<string, string | undefined> = {}, input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, env: { ...baseEnv, ...env }, input, encoding: 'utf8', timeout: 60_000 });
  const out = { code: r.status, stdout: r.stdout, stderr: r.stderr };
  assert.ok(!out.stdout.includes(UPSTREAM_KEY) && !out.stderr.includes(UPSTREAM_KEY), `upstream key leaked by ${args.join(' ')}`);
  return out;
}

function oneJson(stdout: string): any {
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 1, `exactly one JSON object expected, got:\n${stdout}`);
  return JSON.parse(lines[0]);
}

async function withStore<T>(fn: (store: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
  const store = await openStore({ dataDir });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function withKeys<T>(fn: (keys: Awaited<ReturnType<typeof createKeyService>>, secrets: ReturnType<typeof createSecrets>) => Promise<T>): Promise<T> {
  const store = await openStore({ dataDir });
  const secrets = createSecrets({ dataDir });
  const keys = await createKeyService({ store, secrets });
  try {
    return await fn(keys, secrets);
  } finally {
    await keys.close();
    await store.close();
  }
}

describe('CLI: accounts, keys, migrate, rotate-master-key (SQLite, embedded master key)', () => {
  let accountId = '';
  let byok: { id: string; key: string; prefix: string };

  test('accounts create --json prints {id, email}; the first account is the admin', async () => {
    const r = cli(['accounts', 'create', '--email', 'Owner@Example.com', '--password', 'long-enough-pw', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const a = oneJson(r.stdout);
    assert.match(a.id, /^acct_[0-9a-z]+$/);
    assert.equal(a.email, 'owner@example.com');
    assert.equal(a.is_admin, true);
    accountId = a.id;
    const second = oneJson((await inproc(['accounts', 'create', '--email', 'second@example.com', '--json'])).stdout);
    assert.equal(second.is_admin, false);
    const piped = cli(['accounts', 'create', '--email', 'piped@example.com', '--password-stdin', '--json'], {}, 'from-stdin-pw\n');
    assert.equal(piped.code, 0, piped.stderr);
    await withStore(async (store) => assert.equal((await authenticate(store, 'piped@example.com', 'from-stdin-pw'))?.email, 'piped@example.com'));
  });

  test('accounts: bad input exits 2 with a clear message (never the password)', async () => {
    const dup = cli(['accounts', 'create', '--email', 'owner@example.com']);
    assert.equal(dup.code, 2);
    assert.match(dup.stderr, /already exists/);
    const noEmail = await inproc(['accounts', 'create', '--json']);
    assert.equal(noEmail.code, 2);
    assert.match(noEmail.stderr, /--email is required/);
    const weak = await inproc(['accounts', 'create', '--email', 'w@example.com', '--password', 'tiny7']);
    assert.equal(weak.code, 2);
    assert.ok(!weak.stderr.includes('tiny7'));
    assert.equal((await inproc(['accounts', 'create', '--email', 'x@example.com', '--bogus'])).code, 2);
    const list = oneJson((await inproc(['accounts', 'list', '--json'])).stdout);
    assert.deepEqual(list.data.map((a: { email: string }) => a.email), ['owner@example.com', 'second@example.com', 'piped@example.com']);
  });

  test('keys create --mode byok --json prints {id, key, prefix}; master.key generated 0600', () => {
    const r = cli(['keys', 'create', '--account', accountId, '--mode', 'byok', '--upstream-base-url', 'https://api.example.com/v1', '--upstream-key', UPSTREAM_KEY, '--name', 'ci', '--provider', 'openai', '--json']);
    assert.equal(r.code, 0, r.stderr);
    byok = oneJson(r.stdout);
    assert.match(byok.id, /^key_/);
    assert.match(byok.key, /^sk-occ-[0-9A-Za-z]{43}$/);
    assert.equal(byok.prefix, `sk-occ-${byok.key.slice(7, 11)}…${byok.key.slice(-4)}`);
    assert.equal(statSync(join(dataDir, 'master.key')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dataDir, 'opencompress.db')).mode & 0o777, 0o600);
  });

  test('keys create: router mode without --json shows the key once with a warning; bad input exits 2', async () => {
    const r = await inproc(['keys', 'create', '--account', 'owner@example.com', '--mode', 'router', '--rpm', '120']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.match(/sk-occ-[0-9A-Za-z]{43}/g)?.length, 1);
    assert.match(r.stdout, /only time it is shown/);
    const cases: [string[], RegExp][] = [
      [['--account', accountId, '--mode', 'byok', '--upstream-base-url', 'http://api.example.com/v1', '--upstream-key', UPSTREAM_KEY], /https/],
      [['--account', accountId, '--mode', 'byok', '--upstream-base-url', 'https://u:p@api.example.com', '--upstream-key', UPSTREAM_KEY], /credentials/],
      [['--account', accountId, '--mode', 'magic'], /--mode/],
      [['--account', 'acct_nope', '--mode', 'router'], /no account/],
      [['--mode', 'router'], /--account is required/],
      [['--account', accountId, '--mode', 'router', '--concurrency', '-3'], /concurrency/],
      [['--account', accountId, '--mode', 'router', '--level', 'max'], /level/],
    ];
    for (const [args, message] of cases) {
      const bad = await inproc(['keys', 'create', ...args, '--json']);
      assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
      assert.match(bad.stderr, message);
      assert.equal(bad.stdout, '');
    }
  });

  test('keys list never prints the upstream key, only its last 4 characters', async () => {
    const piped = cli(['keys', 'create', '--account', accountId, '--mode', 'byok', '--upstream-base-url', 'https://api.example.com/v1', '--upstream-key-stdin', '--json'], {}, `${UPSTREAM_KEY}\n`);
    assert.equal(piped.code, 0, piped.stderr);
    const pipedKey = oneJson(piped.stdout);
    await withKeys(async (keys, secrets) => {
      const resolved = await keys.verify(pipedKey.key);
      assert.equal(secrets.open(resolved!.sealedUpstreamKey!, upstreamKeyAad(accountId, pipedKey.id)), UPSTREAM_KEY);
      await keys.revoke(pipedKey.id);
    });
    const list = oneJson(cli(['keys', 'list', '--account', accountId, '--active', '--json']).stdout);
    assert.equal(list.data.length, 2);
    const k = list.data.find((x: { id: string }) => x.id === byok.id);
    assert.equal(k.upstream_key_last4, '9876');
    assert.equal(k.mode, 'byok');
    assert.equal(k.status, 'active');
    assert.equal(k.upstream_base_url, 'https://api.example.com/v1');
    assert.ok(!JSON.stringify(list).includes(byok.key));
    const human = await inproc(['keys', 'list', '--account', accountId]);
    assert.match(human.stdout, /…9876/);
    assert.ok(!human.stdout.includes(byok.key));
  });

  test('a key made by the CLI verifies through the library (as the gateway does) and its upstream key opens', async () => {
    await withKeys(async (keys, secrets) => {
      const resolved = await keys.verify(byok.key);
      assert.ok(resolved);
      assert.equal(secrets.open(resolved.sealedUpstreamKey!, upstreamKeyAad(accountId, byok.id)), UPSTREAM_KEY);
    });
  });

  test('keys update changes limits; rotate-master-key keeps everything readable with only the new key', async () => {
    const upd = oneJson((await inproc(['keys', 'update', byok.id, '--rpm', '5', '--concurrency', '0', '--level', 'lossless', '--json'])).stdout);
    assert.deepEqual([upd.rpm, upd.concurrency, upd.level], [5, 0, 'lossless']);
    assert.equal((await inproc(['keys', 'update', byok.id])).code, 2);
    assert.equal((await inproc(['keys', 'update', 'key_missing', '--rpm', '1'])).code, 2);

    const oldKeyFile = readFileSync(join(dataDir, 'master.key'), 'utf8');
    const rot = cli(['rotate-master-key', '--json']);
    assert.equal(rot.code, 0, rot.stderr);
    const result = oneJson(rot.stdout);
    assert.equal(result.source, 'file');
    assert.equal(result.resealed, 3); // two upstream keys (one revoked, still sealed) + the pepper
    assert.notEqual(readFileSync(join(dataDir, 'master.key'), 'utf8'), oldKeyFile);
    assert.ok(!rot.stdout.includes(oldKeyFile.trim()) && !rot.stdout.includes(readFileSync(join(dataDir, 'master.key'), 'utf8').trim()), 'no key printed');
    await withKeys(async (keys, secrets) => {
      assert.equal(secrets.primaryKid, result.kid);
      assert.equal(secrets.keyring.byKid.size, 2, 'the old key is kept (decrypt only) until --remove-previous');
      const resolved = await keys.verify(byok.key);
      assert.equal(resolved?.rpm, 5);
      assert.equal(secrets.open(resolved!.sealedUpstreamKey!, upstreamKeyAad(accountId, byok.id)), UPSTREAM_KEY);
    });
    const removed = cli(['rotate-master-key', '--remove-previous', '--json']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual([oneJson(removed.stdout).removed, oneJson(removed.stdout).resealed, oneJson(removed.stdout).kid], [1, 0, result.kid]);
    assert.equal(existsSync(join(dataDir, 'master.key.previous')), false);
    await withKeys(async (keys, secrets) => {
      assert.deepEqual([...secrets.keyring.byKid.keys()], [result.kid], 'only the new key is left');
      const resolved = await keys.verify(byok.key);
      assert.equal(secrets.open(resolved!.sealedUpstreamKey!, upstreamKeyAad(accountId, byok.id)), UPSTREAM_KEY);
    });
    assert.equal((await inproc(['rotate-master-key', '--remove-previous', '--new-key', result.kid])).code, 2);
    assert.equal((await inproc(['rotate-master-key', '--new-key', 'not-a-key'])).code, 2);
  });

  test('keys revoke: the key stops verifying; migrate --json reports the schema up to date', async () => {
    const router = oneJson((await inproc(['keys', 'create', '--account', accountId, '--mode', 'router', '--json'])).stdout);
    const human = await inproc(['keys', 'revoke', router.id]);
    assert.equal(human.code, 0, human.stderr);
    // without REDIS_URL another gateway may accept it from its key cache for up to 1 s (DESIGN §3): say so
    assert.match(human.stdout, /Running gateways refuse it within 1 second/);
    assert.doesNotMatch(human.stdout, /from now on|at once/);
    const r = oneJson(cli(['keys', 'revoke', byok.id, '--json']).stdout);
    assert.equal(r.status, 'revoked');
    await withKeys(async (keys) => assert.equal(await keys.verify(byok.key), null));
    assert.equal((await inproc(['keys', 'revoke'])).code, 2);
    assert.equal((await inproc(['keys', 'revoke', 'key_missing'])).code, 2);
    const m = oneJson(cli(['migrate', '--json']).stdout);
    assert.deepEqual(m.applied, []);
    assert.ok(m.already_applied.includes('001_core'));
    assert.equal(m.dialect, 'sqlite');
  });

  test('help and unknown subcommands', async () => {
    for (const cmd of ['accounts', 'keys', 'migrate', 'rotate-master-key']) {
      const h = await inproc([cmd, '--help']);
      assert.equal(h.code, 0);
      assert.match(h.stdout, /Usage/);
    }
    assert.equal((await inproc(['keys', 'frobnicate'])).code, 2);
  });
});

describe('CLI on PostgreSQL (DATABASE_URL)', () => {
  let db: TestDb;
  before(async () => {
    db = await createTestDb('postgres');
  });
  after(async () => {
    await db.drop();
  });

  test('accounts create, keys create and list with --json', async () => {
    const env = { DATABASE_URL: db.url, OPENCOMPRESS_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'), DATA_DIR: join(dataDir, 'pg-unused') };
    const a = oneJson(cli(['accounts', 'create', '--email', 'pg@example.com', '--json'], env).stdout);
    const k = oneJson(cli(['keys', 'create', '--account', a.id, '--mode', 'router', '--json'], env).stdout);
    const list = oneJson((await inproc(['keys', 'list', '--account', a.id, '--json'], env)).stdout);
    assert.deepEqual(list.data.map((x: { id: string }) => x.id), [k.id]);
  });
});

describe('CLI: the 5-key limit across processes (one SQLite file, separate connections)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'occ-cli-race-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('7 concurrent `keys create` processes: exactly 5 succeed, the rest exit 2', async () => {
    const env = { ...baseEnv, DATA_DIR: dir };
    const a = oneJson(cli(['accounts', 'create', '--email', 'race@example.com', '--json'], { DATA_DIR: dir }).stdout);
    const run = () =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'keys', 'create', '--account', a.id, '--mode', 'router', '--json'], { cwd: root, env });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    const results = await Promise.all(Array.from({ length: 7 }, run));
    const ok = results.filter((r) => r.code === 0);
    const refused = results.filter((r) => r.code === 2);
    assert.equal(ok.length, 5, results.map((r) => r.stderr).join('\n'));
    assert.equal(refused.length, 2);
    for (const r of refused) assert.match(r.stderr, /at most 5 active keys/);
    const list = oneJson(cli(['keys', 'list', '--account', a.id, '--json'], { DATA_DIR: dir }).stdout);
    assert.equal(list.data.length, 5);
  });
});

describe('CLI: rotate-master-key with OPENCOMPRESS_MASTER_KEY', () => {
  const dir = mkdtempSync(join(tmpdir(), 'occ-cli-envrot-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const oldKey = Buffer.alloc(32, 1).toString('base64');
  const newKey = Buffer.alloc(32, 2).toString('hex');

  test('new key in OPENCOMPRESS_MASTER_KEY, old in OPENCOMPRESS_PREVIOUS_MASTER_KEYS; afterwards the old key is not needed', async () => {
    const before = { DATA_DIR: dir, OPENCOMPRESS_MASTER_KEY: oldKey };
    const a = oneJson((await inproc(['accounts', 'create', '--email', 'env@example.com', '--json'], before)).stdout);
    const k = oneJson((await inproc(['keys', 'create', '--account', a.id, '--mode', 'byok', '--upstream-base-url', 'https://api.example.com', '--upstream-key', UPSTREAM_KEY, '--json'], before)).stdout);

    const withoutOld = { DATA_DIR: dir, OPENCOMPRESS_MASTER_KEY: newKey };
    const refused = await inproc(['rotate-master-key'], withoutOld);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /OPENCOMPRESS_PREVIOUS_MASTER_KEYS/);
    assert.equal((await inproc(['rotate-master-key', '--new-key', newKey], withoutOld)).code, 2);

    const r = await inproc(['rotate-master-key', '--json'], { ...withoutOld, OPENCOMPRESS_PREVIOUS_MASTER_KEYS: oldKey });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([oneJson(r.stdout).resealed, oneJson(r.stdout).source], [2, 'env']);

    const list = oneJson((await inproc(['keys', 'list', '--account', a.id, '--json'], withoutOld)).stdout);
    assert.equal(list.data[0].id, k.id);
    const store = await openStore({ dataDir: dir });
    const secrets = createSecrets({ dataDir: dir, masterKey: newKey });
    const keys = await createKeyService({ store, secrets });
    try {
      const resolved = await keys.verify(k.key);
      assert.equal(secrets.open(resolved!.sealedUpstreamKey!, upstreamKeyAad(a.id, k.id)), UPSTREAM_KEY);
    } finally {
      await keys.close();
      await store.close();
    }
  });
});
