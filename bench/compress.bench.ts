// `npm run bench:compress`: how fast the engine is and how much it saves, on synthetic prompts of
// about 1k / 10k / 100k tokens (prose, JSON tool output, logs, code, and all mixed) at each level,
// optionally also on an eval directory (`--data DIR`). Each prompt is compressed warm many times on
// one thread; the table reports the median CPU ms and wall ms per call, tokens per second per core
// (input tokens / median CPU time, which a busy shared machine does not inflate) and the o200k
// reduction. Targets (issue 2): a 10k-token prompt in ≤ 10 ms, ≥ 1M tokens/s.
import { performance } from 'node:perf_hooks';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { compressMessages } from '../src/compress/index.js';
import type { ChatMessage, Level } from '../src/compress/types.js';
import { loadCases } from '../src/eval/cases.js';
import { timed } from '../src/eval/clock.js';
import { allTexts } from '../src/eval/message-text.js';
import { renderTable } from '../src/eval/report-table.js';
import { countAll } from '../src/eval/tokens.js';
import { syntheticPrompt, type PromptKind } from './synthetic-prompts.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    levels: { type: 'string', default: 'lossless,balanced,aggressive' },
    'budget-ms': { type: 'string', default: '1500' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(`Usage: npm run bench:compress -- [--data DIR] [--levels L1,L2] [--budget-ms N]

  --data DIR      also run every case of an eval directory (*.jsonl)
  --levels        levels to measure (default lossless,balanced,aggressive)
  --budget-ms     time spent measuring each row (default 1500)

cpu ms is the process CPU time per call (robust when other processes share the cores);
wall ms is elapsed time. tokens/s/core = input tokens / cpu ms.`);
  process.exit(0);
}
const levels = values.levels.split(',').map((l) => l.trim()) as Level[];
const budgetMs = Number(values['budget-ms']);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median CPU and wall ms of compressMessages over warm runs, within the time budget (≥ 5, ≤ 500 runs). */
function time(messages: ChatMessage[], level: Level, budget = budgetMs): { ms: number; wallMs: number; runs: number; out: ChatMessage[] } {
  let out = compressMessages(messages, { level }).messages;
  for (let i = 0; i < 2; i++) out = compressMessages(messages, { level }).messages;
  const cpu: number[] = [];
  const wall: number[] = [];
  const start = performance.now();
  while (cpu.length < 5 || (cpu.length < 500 && performance.now() - start < budget)) {
    const w = timed('wall', () => timed('cpu', () => compressMessages(messages, { level })));
    cpu.push(w.value.ms);
    wall.push(w.ms);
  }
  return { ms: median(cpu), wallMs: median(wall), runs: cpu.length, out };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const header = ['prompt', 'level', 'input tokens', 'cpu ms', 'wall ms', 'tokens/s/core', 'reduction', 'runs'];
const rows: string[][] = [];
const headline: Record<string, { ms: number; tps: number }> = {};

function measure(label: string, messages: ChatMessage[], level: Level): void {
  const before = countAll(allTexts(messages));
  const { ms, wallMs, runs, out } = time(messages, level);
  const after = countAll(allTexts(out), before.counts).total;
  const tps = before.total / (ms / 1000);
  rows.push([label, level, fmt(before.total), ms.toFixed(2), wallMs.toFixed(2), fmt(tps), `${((1 - after / before.total) * 100).toFixed(1)}%`, String(runs)]);
  headline[`${label}/${level}`] = { ms, tps };
  process.stderr.write('.');
}

const sizes: Array<[string, number]> = [
  ['1k', 1_000],
  ['10k', 10_000],
  ['100k', 100_000],
];
for (const [name, tokens] of sizes) {
  const { messages } = syntheticPrompt('mixed', tokens);
  for (const level of levels) measure(`mixed ${name}`, messages, level);
}
for (const kind of ['prose', 'json', 'logs', 'code'] as PromptKind[]) {
  const { messages } = syntheticPrompt(kind, 10_000);
  for (const level of levels) measure(`${kind} 10k`, messages, level);
}

if (values.data) {
  const cases = loadCases(values.data);
  for (const level of levels) {
    let tokens = 0;
    let after = 0;
    let totalMs = 0;
    const perCase: number[] = [];
    const perCaseWall: number[] = [];
    for (const c of cases) {
      const before = countAll(allTexts(c.messages));
      const { ms, wallMs, out } = time(c.messages, level, budgetMs / 10); // many cases: a tenth each
      tokens += before.total;
      after += countAll(allTexts(out), before.counts).total;
      totalMs += ms;
      perCase.push(ms);
      perCaseWall.push(wallMs);
    }
    const tps = tokens / (totalMs / 1000);
    rows.push([
      `${basename(values.data)}/ (${cases.length} cases)`,
      level,
      fmt(tokens),
      median(perCase).toFixed(2),
      median(perCaseWall).toFixed(2),
      fmt(tps),
      `${((1 - after / tokens) * 100).toFixed(1)}%`,
      '-',
    ]);
    headline[`data/${level}`] = { ms: median(perCase), tps };
  }
}

process.stderr.write('\n');
console.log(renderTable(header, rows, [0, 1]));
const ten = headline['mixed 10k/balanced'];
if (ten) {
  console.log(`\n10k-token mixed prompt, balanced: ${ten.ms.toFixed(2)} ms CPU (target ≤ 10 ms) ${ten.ms <= 10 ? 'OK' : 'MISSED'}`);
  console.log(`throughput, balanced, mixed 10k: ${fmt(ten.tps)} tokens/s per core (target ≥ 1,000,000) ${ten.tps >= 1e6 ? 'OK' : 'MISSED'}`);
}
const data = headline['data/balanced'];
if (data) {
  console.log(`throughput, balanced, ${values.data}: ${fmt(data.tps)} tokens/s per core ${data.tps >= 1e6 ? 'OK' : 'MISSED'}`);
}
