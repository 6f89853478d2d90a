// Cost of authenticating a request: KeyService.verify with a warm cache (the common case) and
// with the cache disabled (one HMAC + one indexed lookup), on SQLite or, with DATABASE_URL, PostgreSQL.
// Usage: npx tsx bench/keys.bench.ts   (not part of npm test)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount } from '../src/accounts/accounts.js';
import { createKeyService } from '../src/accounts/keys.js';
import { Secrets } from '../src/secrets/index.js';
import { generateMasterKey } from '../src/secrets/master-keys.js';
import { openStore } from '../src/store/index.js';
import pg from 'pg';

const dir = mkdtempSync(join(tmpdir(), 'occ-bench-keys-'));
let databaseUrl = process.env.DATABASE_URL;
let dropSchema = async () => undefined as void;
if (databaseUrl) {
  // a private schema, dropped afterwards, so the bench never touches real tables
  const schema = `bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  dropSchema = async () => {
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  };
  databaseUrl += `${databaseUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}
const store = await openStore({ dataDir: dir, databaseUrl });
const mk = generateMasterKey();
const secrets = new Secrets({ primary: mk, byKid: new Map([[mk.kid, mk]]), source: 'env', file: '' });
const warm = await createKeyService({ store, secrets, touchFlushMs: 1000 });
const cold = await createKeyService({ store, secrets, cacheTtlMs: 0, touchFlushMs: 1000 });

const raw: string[] = [];
for (let a = 0; a < 100; a++) {
  const acct = await createAccount(store, { email: `bench${a}-${Date.now()}@example.com` });
  for (let k = 0; k < 5; k++) raw.push((await warm.create({ accountId: acct.id, mode: 'router' })).key);
}

async function measure(name: string, fn: (i: number) => Promise<unknown>, n: number) {
  for (let i = 0; i < Math.min(n, 1000); i++) await fn(i); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn(i);
  const ns = Number(process.hrtime.bigint() - t0);
  console.log(`${name.padEnd(34)} ${(n / (ns / 1e9)).toFixed(0).padStart(9)} ops/s   ${(ns / n / 1000).toFixed(2).padStart(7)} µs/op`);
}

console.log(`store: ${store.dialect}, ${raw.length} keys`);
await measure('verify, warm cache (hit)', (i) => warm.verify(raw[i % raw.length]), 200_000);
await measure('verify, no cache (HMAC + lookup)', (i) => cold.verify(raw[i % raw.length]), 20_000);
await measure('verify, malformed key (reject)', () => warm.verify('sk-occ-nope'), 200_000);
await measure('verify, unknown key (negative cache)', () => warm.verify(`sk-occ-${'Z'.repeat(43)}`), 200_000);
await warm.close();
await cold.close();
await store.close();
await dropSchema();
rmSync(dir, { recursive: true, force: true });
