// `npm run bench` — gateway overhead against a mock upstream, measured in one run:
//   * median added latency at 1 connection with compression off (sequential requests over one
//     keep-alive connection, timed with hrtime — autocannon's histogram has 1 ms resolution);
//   * throughput at 1 and 50 connections (autocannon), direct-to-mock vs via the gateway, off;
//   * throughput at 50 connections with `balanced` on a ~1,000-token prompt vs the same body direct:
//     once with the same prompt every time (after the first request the gateway's prefix cache of
//     compressed messages answers), once with a different prompt on every request (a request
//     counter inside the compressible user text, so every request is a cache miss);
//   * the off and balanced runs at 50 connections again with the gateway as `opencompress serve`
//     with WORKERS=2 (BENCH_WORKERS=N to change, 1 to skip; needs Redis at REDIS_URL, default
//     redis://127.0.0.1:6379): the primary and its workers on the same cores;
//   * memory of the gateway process (RSS and heap after GC) at the start and end of a sustained
//     run (2 minutes; `--quick` shortens everything for development).
// The mock and the gateway run as separate child processes; autocannon runs here. All three share
// the machine's cores, as in the targets.
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { compressMessages, countTokens } from '../src/compress/index.js';
import { median, start, stop, type Child } from './children.js';
import { prompt1k, uniqueBodies } from './prompt-1k.js';

const quick = process.argv.includes('--quick');
const DURATION = quick ? 3 : 10;
const WARMUP = quick ? 1 : 3;
const LATENCY_N = quick ? 400 : 3000;
const MEMORY_SECONDS = quick ? 15 : 120;

/** a bench/servers child, relative to this file */
const startServer = (file: string, env?: Record<string, string>) => start(new URL(file, import.meta.url), env);

interface Target {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** when set, each request sends vary(n) with a new n (never reused in this process) instead of body */
  vary?: (n: number) => string;
}

async function sequentialLatency(t: Target, n: number): Promise<number> {
  const u = new URL(t.url);
  const pool = new Pool(u.origin, { connections: 1, pipelining: 1 });
  const samples: number[] = [];
  try {
    for (let i = 0; i < n + 200; i++) {
      const t0 = process.hrtime.bigint();
      const res = await pool.request({ path: u.pathname, method: 'POST', headers: t.headers, body: t.body });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`status ${res.statusCode} from ${t.url}`);
      if (i >= 200) samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  } finally {
    await pool.close();
  }
  return median(samples);
}

/** Numbers varied bodies across all runs, so a warm-up never pre-fills the cache for a later run. */
let requestSerial = 0;

async function load(t: Target, connections: number, duration: number): Promise<{ rps: number; p50: number; bad: number }> {
  const vary = t.vary;
  const requests = vary
    ? [{ setupRequest: (req: { body?: string }) => ({ ...req, body: vary(requestSerial++) }) }]
    : undefined;
  const r = await autocannon({ url: t.url, method: 'POST', headers: t.headers, body: t.body, connections, duration, pipelining: 1, timeout: 30, requests });
  return { rps: r.requests.average, p50: r.latency.p50, bad: r.non2xx + r.errors + r.timeouts };
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

interface Measured {
  rps: number;
  p50: number;
  bad: number;
  cpuPerReq: number;
}

interface Row {
  scenario: string;
  direct: string;
  bare: string;
  gateway: string;
  vsDirect: string;
  vsBare: string;
  target: string;
}

/** A difference with its sign: +0.372, −0.015. */
function signed(v: number, digits = 3): string {
  const text = fmt(Math.abs(v), digits);
  return `${v < 0 && Number(text) !== 0 ? '−' : '+'}${text}`; // −0.0 prints as +0.0
}

/** A throughput row: req/s of the three paths and the gateway's share of direct and of bare. */
function throughputRow(scenario: string, via: { rps: number }, direct: { rps: number }, bare: { rps: number }, target: string): Row {
  return { scenario, direct: fmt(direct.rps), bare: fmt(bare.rps), gateway: fmt(via.rps), vsDirect: pct(via.rps, direct.rps), vsBare: pct(via.rps, bare.rps), target };
}

function pct(a: number, b: number): string {
  return `${fmt((100 * a) / b, 1)} %`;
}

async function main(): Promise<void> {
  console.log(`OpenCompress gateway benchmark${quick ? ' (--quick)' : ''}: ${DURATION}s per load run, ${LATENCY_N} sequential requests for latency, ${MEMORY_SECONDS}s memory run\n`);
  const mock = await startServer('./servers/mock.ts');
  const gateway = await startServer('./servers/gateway.ts', { BENCH_UPSTREAM: mock.info.baseUrl });
  const bare = await startServer('./servers/passthrough.ts', { BENCH_UPSTREAM: mock.info.baseUrl });
  const workers = Number(process.env.BENCH_WORKERS ?? 2);
  const multi =
    workers > 1
      ? await startServer('./servers/gateway.ts', { BENCH_UPSTREAM: mock.info.baseUrl, BENCH_GATEWAY_WORKERS: String(workers) }).catch((err: Error) => {
          console.log(`No WORKERS=${workers} rows: ${err.message} (is Redis running at REDIS_URL?)\n`);
          return null;
        })
      : null;
  try {
    const small = JSON.stringify({ model: 'mock-model', messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'What is the capital of France? Answer in one word.' }] });
    const big = prompt1k();
    const bigBody = JSON.stringify({ model: 'gpt-4o-mini', ...big });
    // Unique prompts: the same body with a per-request number in the user's prose.
    const uniqueBody = uniqueBodies('gpt-4o-mini');
    const unique = <T extends Target>(t: T): T => ({ ...t, body: uniqueBody(0), vary: uniqueBody });
    const tokens = countTokens(big.messages.map((m) => m.content).join('\n'), 'gpt-4o-mini');
    const uniqueTokens = countTokens((JSON.parse(uniqueBody(0)) as typeof big).messages.map((m) => m.content).join('\n'), 'gpt-4o-mini');
    for (let i = 0; i < 20; i++) compressMessages(big.messages, { level: 'balanced', model: 'gpt-4o-mini' });
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) compressMessages(big.messages, { level: 'balanced', model: 'gpt-4o-mini' });
    const engineMs = (performance.now() - t0) / 50;
    const stats = compressMessages(big.messages, { level: 'balanced', model: 'gpt-4o-mini' }).stats;
    const json = { 'content-type': 'application/json' };
    const direct = (body: string): Target => ({ url: `${mock.info.baseUrl}/chat/completions`, headers: { ...json, authorization: 'Bearer sk-direct' }, body });
    const passthrough = (body: string): Target => ({ url: `${bare.info.url}/v1/chat/completions`, headers: json, body });
    const via = (body: string, level: string, server: Child = gateway): Target => ({
      url: `${server.info.url}/v1/chat/completions`,
      headers: { ...json, authorization: `Bearer ${server.info.key}`, 'x-opencompress-level': level },
      body,
    });
    const measured = async (t: Target, connections: number, duration: number, server: Child = gateway): Promise<Measured> => {
      const before = (await server.ask('cpu')).cpuMicros;
      const r = await load(t, connections, duration);
      const after = (await server.ask('cpu')).cpuMicros;
      return { ...r, cpuPerReq: (after - before) / Math.max(1, r.rps * duration) };
    };

    // BENCH_ONLY=off|repeated|unique: one 50-connection comparison (bare vs gateway), profiled with BENCH_PROFILE.
    const only = process.env.BENCH_ONLY;
    if (only === 'off' || only === 'repeated' || only === 'unique') {
      const [bareT, viaT, directT] = only === 'off'
        ? [passthrough(small), via(small, 'off'), direct(small)]
        : only === 'repeated'
          ? [passthrough(bigBody), via(bigBody, 'balanced'), direct(bigBody)]
          : [unique(passthrough(bigBody)), unique(via(bigBody, 'balanced')), unique(direct(bigBody))];
      await load(viaT, 10, WARMUP);
      await load(bareT, 10, WARMUP);
      const d = await load(directT, 50, DURATION);
      await bare.ask('profile-start');
      const b = await measured(bareT, 50, DURATION, bare);
      await bare.ask('profile-stop');
      await gateway.ask('profile-start');
      const v = await measured(viaT, 50, DURATION);
      await gateway.ask('profile-stop');
      let m = '';
      if (multi) {
        const viaM = only === 'off' ? via(small, 'off', multi) : only === 'repeated' ? via(bigBody, 'balanced', multi) : unique(via(bigBody, 'balanced', multi));
        await load(viaM, 10, WARMUP);
        const r = await measured(viaM, 50, DURATION, multi);
        m = `; WORKERS=${workers} ${fmt(r.rps)} req/s, ${fmt(r.cpuPerReq)} µs CPU/req`;
      }
      console.log(`${only} @50: direct ${fmt(d.rps)} req/s; bare ${fmt(b.rps)} req/s, ${fmt(b.cpuPerReq)} µs CPU/req; gateway ${fmt(v.rps)} req/s, ${fmt(v.cpuPerReq)} µs CPU/req${m}`);
      return;
    }
    // Warm up JIT and pools on every path.
    await load(direct(small), 10, WARMUP);
    await load(passthrough(small), 10, WARMUP);
    await load(via(small, 'off'), 10, WARMUP);
    await load(via(bigBody, 'balanced'), 10, WARMUP);
    await load(unique(via(bigBody, 'balanced')), 10, WARMUP);

    const latDirect = await sequentialLatency(direct(small), LATENCY_N);
    const latBare = await sequentialLatency(passthrough(small), LATENCY_N);
    const latVia = await sequentialLatency(via(small, 'off'), LATENCY_N);
    const c1Direct = await load(direct(small), 1, DURATION);
    const c1Bare = await load(passthrough(small), 1, DURATION);
    const c1Via = await load(via(small, 'off'), 1, DURATION);
    const c50Direct = await load(direct(small), 50, DURATION);
    const c50Bare = await measured(passthrough(small), 50, DURATION, bare);
    const c50Via = await measured(via(small, 'off'), 50, DURATION);
    const bigDirect = await load(direct(bigBody), 50, DURATION);
    const bigBare = await load(passthrough(bigBody), 50, DURATION);
    const bigVia = await measured(via(bigBody, 'balanced'), 50, DURATION);
    const uniqDirect = await load(unique(direct(bigBody)), 50, DURATION);
    const uniqBare = await load(unique(passthrough(bigBody)), 50, DURATION);
    const uniqVia = await measured(unique(via(bigBody, 'balanced')), 50, DURATION);

    let multiRuns: { off: Measured; big: Measured; uniq: Measured } | null = null;
    if (multi) {
      await load(via(small, 'off', multi), 10, WARMUP);
      await load(via(bigBody, 'balanced', multi), 10, WARMUP);
      await load(unique(via(bigBody, 'balanced', multi)), 10, WARMUP);
      multiRuns = {
        off: await measured(via(small, 'off', multi), 50, DURATION, multi),
        big: await measured(via(bigBody, 'balanced', multi), 50, DURATION, multi),
        uniq: await measured(unique(via(bigBody, 'balanced', multi)), 50, DURATION, multi),
      };
    }

    const memStart = await gateway.ask('memory');
    const memRun = await load(via(bigBody, 'balanced'), 50, MEMORY_SECONDS);
    const memEnd = await gateway.ask('memory');

    const rows: Row[] = [
      { scenario: 'scenario', direct: 'direct', bare: 'bare Fastify+undici', gateway: 'via gateway', vsDirect: 'gateway vs direct', vsBare: 'gateway vs bare', target: 'target' },
      {
        scenario: 'off, 1 conn, median latency (ms)',
        direct: fmt(latDirect, 3),
        bare: fmt(latBare, 3),
        gateway: fmt(latVia, 3),
        vsDirect: `${signed(latVia - latDirect)} ms`,
        vsBare: `${signed(latVia - latBare)} ms`,
        target: '≤ +1 ms vs direct',
      },
      throughputRow('off, 1 conn, req/s', c1Via, c1Direct, c1Bare, ''),
      throughputRow(`off, 50 conns, req/s (CPU µs/req: bare ${fmt(c50Bare.cpuPerReq)}, gateway ${fmt(c50Via.cpuPerReq)})`, c50Via, c50Direct, c50Bare, '≥ 25 % of direct'),
      throughputRow(`balanced, ${tokens}-token repeated prompt (prefix-cache hits), 50 conns, req/s (CPU ${fmt(bigVia.cpuPerReq)} µs/req)`, bigVia, bigDirect, bigBare, '≥ 15 % of direct'),
      throughputRow(`balanced, ${uniqueTokens}-token unique prompts (cache misses), 50 conns, req/s (CPU ${fmt(uniqVia.cpuPerReq)} µs/req)`, uniqVia, uniqDirect, uniqBare, '≥ 15 % of direct'),
      ...(multiRuns
        ? [
            throughputRow(`off, 50 conns, WORKERS=${workers}, req/s (CPU µs/req, all processes: ${fmt(multiRuns.off.cpuPerReq)})`, multiRuns.off, c50Direct, c50Bare, '≥ 25 % of direct'),
            throughputRow(`balanced, repeated prompt, 50 conns, WORKERS=${workers}, req/s (CPU ${fmt(multiRuns.big.cpuPerReq)} µs/req)`, multiRuns.big, bigDirect, bigBare, '≥ 15 % of direct'),
            throughputRow(`balanced, unique prompts, 50 conns, WORKERS=${workers}, req/s (CPU ${fmt(multiRuns.uniq.cpuPerReq)} µs/req)`, multiRuns.uniq, uniqDirect, uniqBare, '≥ 15 % of direct'),
          ]
        : []),
      {
        scenario: `memory, ${MEMORY_SECONDS}s balanced @50 conns (${fmt(memRun.rps)} req/s): RSS MB`,
        direct: '',
        bare: '',
        gateway: `${fmt(memStart.rss / 1e6, 1)} → ${fmt(memEnd.rss / 1e6, 1)}`,
        vsDirect: `${signed((memEnd.rss - memStart.rss) / 1e6, 1)} MB`,
        vsBare: '',
        target: 'flat',
      },
      {
        scenario: '  heap used after GC, MB',
        direct: '',
        bare: '',
        gateway: `${fmt(memStart.heapUsed / 1e6, 1)} → ${fmt(memEnd.heapUsed / 1e6, 1)}`,
        vsDirect: `${signed((memEnd.heapUsed - memStart.heapUsed) / 1e6, 1)} MB`,
        vsBare: '',
        target: 'flat',
      },
    ];
    const cols = Object.keys(rows[0]) as (keyof Row)[];
    const widths = cols.map((c) => Math.max(...rows.map((r) => r[c].length)));
    for (const [i, r] of rows.entries()) {
      console.log('| ' + cols.map((c, j) => r[c].padEnd(widths[j])).join(' | ') + ' |');
      if (i === 0) console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
    }
    const bad = [c1Direct, c1Bare, c1Via, c50Direct, c50Bare, c50Via, bigDirect, bigBare, bigVia, uniqDirect, uniqBare, uniqVia, memRun, ...(multiRuns ? Object.values(multiRuns) : [])].reduce((sum, r) => sum + r.bad, 0);
    console.log(`\nbalanced prompt: ${stats.originalTokens} → ${stats.compressedTokens} tokens (${fmt(100 * (1 - stats.ratio), 1)} % saved); engine alone ${fmt(engineMs, 2)} ms per request (this process, warm)`);
    console.log(`non-2xx / errors / timeouts across runs: ${bad}`);
    const [load1] = (await import('node:os')).loadavg();
    console.log(`machine load average at the end: ${fmt(load1, 1)} on ${(await import('node:os')).cpus().length} cores`);
  } finally {
    await stop(gateway);
    if (multi) await stop(multi);
    await stop(bare);
    await stop(mock);
  }
}

await main();
