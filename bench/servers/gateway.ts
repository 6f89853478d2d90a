// Benchmark child process: the real gateway (buildApp with its default billing and key service)
// over SQLite in a temporary directory, with one account and one BYOK key pointing at the mock.
// It runs the built code in dist/ (`npm run bench` builds first), as `npm start` does: the
// TypeScript loader's transform of src/ adds a keep-names call per closure created, ~1.5 % of
// the gateway's CPU per request that production does not have.
// Logs go to stdout (ignored by the parent) at info level, as in production. Reports its URL and
// key over IPC and answers memory probes (after a forced GC when --expose-gc is on).
// BENCH_GATEWAY_WORKERS=N (N > 1): this process becomes the cluster primary of `opencompress serve` with
// WORKERS=N on the same data (REDIS_URL, default redis://127.0.0.1:6379); CPU and RSS are then
// the sums over the primary and its workers (from /proc), and there is no heap probe.
import cluster from 'node:cluster';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../dist/config.js';
import { buildApp } from '../../dist/gateway/app.js';
import { runPrimary } from '../../dist/gateway/cluster/primary.js';
import { createAccount } from '../../dist/accounts/accounts.js';
import { grantCredits } from '../../dist/billing/balances.js';
import { unmeteredBilling } from '../../dist/gateway/unmetered-billing.js';
import { profile } from './profile.js';

const upstream = process.env.BENCH_UPSTREAM!;
const workers = Number(process.env.BENCH_GATEWAY_WORKERS ?? 1);
const dataDir = mkdtempSync(join(tmpdir(), 'oc-bench-'));
const masterKey = randomBytes(32).toString('base64');
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'info';
const config = {
  ...loadConfig({}),
  port: 0,
  host: '127.0.0.1',
  dataDir,
  masterKey,
  allowPrivateUpstreams: true,
  logLevel,
};
const app = await buildApp(config, process.env.BENCH_UNMETERED ? { billing: unmeteredBilling } : {});
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

let url: string;
let primary: Promise<number> | undefined;
if (workers > 1) {
  await app.close();
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, OPENCOMPRESS_MASTER_KEY: masterKey, ALLOW_PRIVATE_UPSTREAMS: '1', LOG_LEVEL: logLevel, WORKERS: String(workers), REDIS_URL: redisUrl };
  const port = await new Promise<number>((resolve, reject) => {
    primary = runPrimary(loadConfig(env), {
      env,
      exec: fileURLToPath(new URL('../../dist/cli.js', import.meta.url)),
      args: ['serve'],
      onListening: (p) => resolve(p),
    });
    primary.catch(reject);
  });
  url = `http://127.0.0.1:${port}`;
} else {
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}
process.send?.({ ready: true, url, key: created.key });

/** user+system CPU µs and RSS bytes of a process, from /proc (clock ticks of 10 ms). */
function procStats(pid: number): { cpuMicros: number; rss: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { cpuMicros: (Number(fields[11]) + Number(fields[12])) * 10_000, rss: Number(fields[21]) * 4096 };
}
function clusterStats(): { cpuMicros: number; rss: number } {
  const pids = [process.pid, ...Object.values(cluster.workers ?? {}).map((w) => w!.process.pid!)];
  return pids.map(procStats).reduce((a, b) => ({ cpuMicros: a.cpuMicros + b.cpuMicros, rss: a.rss + b.rss }));
}

process.on('message', (msg: { cmd?: string; id?: number }) => {
  if (msg.cmd === 'profile-start' || msg.cmd === 'profile-stop') {
    void profile('gateway', msg.cmd).then(() => process.send?.({ id: msg.id }));
    return;
  }
  if (msg.cmd === 'memory') {
    if (workers > 1) return void process.send?.({ id: msg.id, rss: clusterStats().rss, heapUsed: NaN });
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    process.send?.({ id: msg.id, rss: m.rss, heapUsed: m.heapUsed });
  } else if (msg.cmd === 'cpu') {
    if (workers > 1) return void process.send?.({ id: msg.id, cpuMicros: clusterStats().cpuMicros });
    const c = process.cpuUsage();
    process.send?.({ id: msg.id, cpuMicros: c.user + c.system });
  } else if (msg.cmd === 'stop') {
    if (primary) process.kill(process.pid, 'SIGTERM'); // runPrimary's handler stops the workers
    void (primary ?? app.close()).then(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  }
});
