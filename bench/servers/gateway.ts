// Benchmark child process: the real gateway (buildApp with its default billing and key service)
// over SQLite in a temporary directory, with one account and one BYOK key pointing at the mock.
// Logs go to stdout (ignored by the parent) at info level, as in production. Reports its URL and
// key over IPC and answers memory probes (after a forced GC when --expose-gc is on).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config.js';
import { buildApp } from '../../src/gateway/app.js';
import { createAccount } from '../../src/accounts/accounts.js';
import { grantCredits } from '../../src/billing/balances.js';
import { unmeteredBilling } from '../../src/gateway/unmetered-billing.js';
import { profile } from './profile.js';

const upstream = process.env.BENCH_UPSTREAM!;
const dataDir = mkdtempSync(join(tmpdir(), 'oc-bench-'));
const config = {
  ...loadConfig({}),
  port: 0,
  host: '127.0.0.1',
  dataDir,
  masterKey: randomBytes(32).toString('base64'),
  allowPrivateUpstreams: true,
  logLevel: process.env.BENCH_LOG_LEVEL ?? 'info',
};
const app = await buildApp(config, process.env.BENCH_UNMETERED ? { billing: unmeteredBilling } : {});
await app.listen({ port: 0, host: '127.0.0.1' });
const account = await createAccount(app.services.store, { email: 'bench@example.com' });
const created = await app.services.keys.create({
  accountId: account.id,
  mode: 'byok',
  upstreamBaseUrl: upstream,
  upstreamKey: 'sk-bench-upstream-key-0000000000',
  rpm: 0,
  concurrency: 0,
});
// Enough credit that fees on a long run never hit the balance check.
await grantCredits(app.services.store.db, account.id, 1_000_000, 'benchmark', config.freeCreditUsd);
const { port } = app.server.address() as AddressInfo;
process.send?.({ ready: true, url: `http://127.0.0.1:${port}`, key: created.key });

process.on('message', (msg: { cmd?: string; id?: number }) => {
  if (msg.cmd === 'profile-start' || msg.cmd === 'profile-stop') {
    void profile('gateway', msg.cmd).then(() => process.send?.({ id: msg.id }));
    return;
  }
  if (msg.cmd === 'memory') {
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    process.send?.({ id: msg.id, rss: m.rss, heapUsed: m.heapUsed });
  } else if (msg.cmd === 'cpu') {
    const c = process.cpuUsage();
    process.send?.({ id: msg.id, cpuMicros: c.user + c.system });
  } else if (msg.cmd === 'stop') {
    void app.close().then(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  }
});
