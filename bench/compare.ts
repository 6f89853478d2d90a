// `npx tsx bench/compare.ts <checkout> [<checkout> …]` — the gateway's CPU per request in several
// checkouts of this repository (each built: `npm run build` there), measured in one run so the
// machine's drift cancels out: one mock, one gateway per checkout (its own bench/servers/gateway.ts
// over its dist/, SQLite, a BYOK key, info logs), then rounds of the same load (see below) at 50
// connections on each gateway in turn (ABBA order), each round's CPU read from the gateway process
// itself (all its threads). Prints every round's CPU per request and the medians of CPU per request
// and req/s per checkout, with their ratios to the first checkout's. A change worth a few per cent
// needs this: separate bench runs on these shared machines differ by more than that.
//   COMPARE_ROUNDS (8), COMPARE_SECONDS per round (4), COMPARE_LEVEL (off), COMPARE_PROMPT: small (a
//   two-message chat, the default), repeated (the ~900-token prompt of gateway.bench.ts, the same
//   every time: prefix-cache hits) or unique (that prompt with a new number each request: misses)
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { median, start, stop, type Child } from './children.js';
import { prompt1k, uniqueBodies } from './prompt-1k.js';

const trees = process.argv.slice(2).map((t) => resolve(t));
if (trees.length === 0) {
  console.error('usage: npx tsx bench/compare.ts <checkout> [<checkout> …]   (each built with npm run build)');
  process.exit(2);
}
const ROUNDS = Number(process.env.COMPARE_ROUNDS ?? 8);
const SECONDS = Number(process.env.COMPARE_SECONDS ?? 4);
const LEVEL = process.env.COMPARE_LEVEL ?? 'off';
const PROMPT = process.env.COMPARE_PROMPT ?? 'small';
if (!['small', 'repeated', 'unique'].includes(PROMPT)) {
  console.error('COMPARE_PROMPT must be small, repeated or unique');
  process.exit(2);
}

const model = 'gpt-4o-mini';
const small = { model, messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: 'What is the answer? Keep it short.' }] };
const body = JSON.stringify(PROMPT === 'small' ? small : { model, ...prompt1k() });
const vary = PROMPT === 'unique' ? uniqueBodies(model) : undefined;
/** numbers the unique prompts across all rounds and checkouts, so none is ever sent twice */
let serial = 0;

/** requests answered in `duration` seconds */
async function load(gw: Child, duration: number): Promise<number> {
  const r = await autocannon({
    url: `${gw.info.url}/v1/chat/completions`,
    method: 'POST',
    connections: 50,
    duration,
    headers: { authorization: `Bearer ${gw.info.key}`, 'content-type': 'application/json', 'x-opencompress-level': LEVEL },
    body,
    requests: vary ? [{ setupRequest: (req: { body?: string }) => ({ ...req, body: vary(serial++) }) }] : undefined,
  });
  const bad = r.non2xx + r.errors + r.timeouts;
  if (bad > 0) throw new Error(`${bad} failed requests against ${gw.info.url}`);
  return r.requests.total;
}

async function main(): Promise<void> {
  const mock = await start(resolve(trees[0], 'bench/servers/mock.ts'));
  const gateways: Child[] = [];
  for (const t of trees) gateways.push(await start(resolve(t, 'bench/servers/gateway.ts'), { BENCH_UPSTREAM: mock.info.baseUrl }));
  try {
    for (const gw of gateways) await load(gw, 1); // warm-up: JIT, caches, the first SQLite pages
    const cpu: number[][] = trees.map(() => []);
    const rps: number[][] = trees.map(() => []);
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < gateways.length; i++) {
        const k = r % 2 === 0 ? i : gateways.length - 1 - i;
        const before = (await gateways[k].ask('cpu')).cpuMicros;
        const requests = await load(gateways[k], SECONDS);
        const after = (await gateways[k].ask('cpu')).cpuMicros;
        cpu[k].push((after - before) / requests);
        rps[k].push(requests / SECONDS);
      }
    }
    console.log(`gateway CPU µs per request and req/s, ${PROMPT} prompt, level ${LEVEL}, 50 connections, ${ROUNDS} rounds of ${SECONDS} s`);
    const [cpu0, rps0] = [median(cpu[0]), median(rps[0])];
    trees.forEach((t, i) => {
      const [c, r] = [median(cpu[i]), median(rps[i])];
      console.log(`${t}\n  CPU µs/req by round ${cpu[i].map((x) => x.toFixed(0)).join(' ')}`);
      console.log(`  median ${c.toFixed(1)} µs/req (× ${(c / cpu0).toFixed(3)}), ${Math.round(r).toLocaleString('en-US')} req/s (× ${(r / rps0).toFixed(3)})`);
    });
  } finally {
    await Promise.all([...gateways, mock].map(stop));
  }
}

await main();
