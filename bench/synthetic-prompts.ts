// Realistic synthetic chat requests for the compression benchmark, generated from a fixed seed so
// every run measures the same bytes: prose with filler words, pretty-printed JSON tool output, server
// logs with repeats, errors and stack traces, and source code — alone or mixed into one conversation
// of about 1k / 10k / 100k tokens. Nothing here reads the eval data.
import type { ChatMessage } from '../src/compress/types.js';
import { o200kTokens } from '../src/eval/tokens.js';

export type PromptKind = 'prose' | 'json' | 'logs' | 'code' | 'mixed';

/** mulberry32: a tiny deterministic PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SUBJECTS = ['The migration', 'Our billing service', 'The new onboarding flow', 'The Q3 roadmap', 'The cache layer', 'The vendor contract', 'The mobile release', 'The data pipeline'];
const VERBS = ['reduced', 'increased', 'delayed', 'simplified', 'broke', 'improved', 'replaced', 'doubled'];
const OBJECTS = ['p95 latency', 'the error rate', 'support tickets', 'monthly costs', 'the test coverage', 'checkout conversions', 'cold-start time', 'the backlog'];
const FILLERS = ['Basically,', 'To be honest,', 'As I mentioned before,', 'Well,', 'I think that', 'In other words,', 'Actually,', ''];
const HEDGES = ['more or less', 'quite', 'really', 'somewhat', 'very', 'just', 'probably', 'kind of'];
const NAMES = ['Alice Martin', 'Bob Chen', 'Priya Nair', 'Jonas Weber', 'Fatima Zahra', 'Kenji Sato'];
const COMPONENTS = ['auth', 'billing', 'gateway', 'scheduler', 'storage', 'search'];
const STATUSES = ['active', 'pending', 'failed', 'archived'];

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

function proseSentence(r: () => number): string {
  const n = Math.floor(r() * 900) + 10;
  const date = `2024-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;
  const forms = [
    () => `${pick(r, FILLERS)} ${pick(r, SUBJECTS).toLowerCase()} ${pick(r, VERBS)} ${pick(r, OBJECTS)} by ${n}% ${pick(r, HEDGES)} since ${date}.`,
    () => `${pick(r, NAMES)} said that ${pick(r, SUBJECTS).toLowerCase()} was ${pick(r, HEDGES)} important for ${pick(r, OBJECTS)}.`,
    () => `${pick(r, SUBJECTS)} ${pick(r, VERBS)} ${pick(r, OBJECTS)}, which we did not expect, and it cost about $${n}k.`,
    () => `We met on ${date} and agreed, ${pick(r, HEDGES)} unanimously, that ${pick(r, OBJECTS)} must never exceed ${n} ms.`,
    () => `See https://wiki.example.com/${pick(r, COMPONENTS)}/${n} and the ticket OPS-${n * 7} for the details.`,
  ];
  return pick(r, forms)().replace(/^ /, '').replace(/^\w/, (c) => c.toUpperCase());
}

function prose(r: () => number, chars: number): string {
  const paragraphs: string[] = [];
  let len = 0;
  while (len < chars) {
    const sentences = Array.from({ length: 3 + Math.floor(r() * 5) }, () => proseSentence(r)).join(' ');
    paragraphs.push(sentences);
    len += sentences.length + 2;
  }
  return paragraphs.join('\n\n');
}

function jsonOutput(r: () => number, chars: number): string {
  const items: unknown[] = [];
  let len = 0;
  for (let i = 0; len < chars; i++) {
    const item = {
      id: 100000 + i * 13,
      name: `${pick(r, COMPONENTS)}-worker-${i}`,
      status: pick(r, STATUSES),
      owner: { login: pick(r, NAMES).split(' ')[0].toLowerCase(), id: Math.floor(r() * 1e6) },
      created_at: `2024-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}T0${Math.floor(r() * 9)}:00:00Z`,
      url: `https://api.example.com/v2/workers/${100000 + i * 13}`,
      metrics: { cpu: Math.round(r() * 1000) / 10, memory_mb: Math.floor(r() * 4096), restarts: Math.floor(r() * 4) },
      tags: [pick(r, COMPONENTS), pick(r, STATUSES)],
      description: r() < 0.3 ? proseSentence(r) : null,
    };
    items.push(item);
    len += JSON.stringify(item, null, 2).length + 4;
  }
  return JSON.stringify({ total_count: items.length, incomplete_results: false, items }, null, 2);
}

function logs(r: () => number, chars: number): string {
  const lines: string[] = [];
  let len = 0;
  let t = Date.UTC(2024, 4, 1, 12, 0, 0);
  while (len < chars) {
    t += Math.floor(r() * 2000);
    const ts = new Date(t).toISOString();
    const comp = pick(r, COMPONENTS);
    const x = r();
    let block: string[];
    if (x < 0.03) {
      block = [
        `${ts} ERROR [${comp}] Unhandled exception in request req-${Math.floor(r() * 1e6)}: TypeError: Cannot read properties of undefined (reading 'id')`,
        `    at handle (/srv/app/src/${comp}/handler.js:${Math.floor(r() * 300)}:17)`,
        `    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)`,
      ];
    } else if (x < 0.1) {
      block = [`${ts} WARN  [${comp}] slow query took ${Math.floor(r() * 5000)} ms on table ${pick(r, COMPONENTS)}_events`];
    } else if (x < 0.5) {
      const line = `${ts.slice(0, 19)} INFO  [${comp}] health check ok`;
      block = Array.from({ length: 1 + Math.floor(r() * 6) }, () => line);
    } else {
      block = [`${ts} INFO  [${comp}] GET /v1/${comp}/${Math.floor(r() * 1e4)} 200 ${Math.floor(r() * 300)}ms user=${Math.floor(r() * 1e5)}`];
    }
    lines.push(...block);
    len += block.reduce((a, l) => a + l.length + 1, 0);
  }
  return lines.join('\n');
}

function code(r: () => number, chars: number): string {
  const parts: string[] = [];
  let len = 0;
  for (let i = 0; len < chars; i++) {
    const comp = pick(r, COMPONENTS);
    const fn = [
      `/**`,
      ` * Loads the ${comp} record ${i} and applies the retry policy.`,
      ` */`,
      `export async function load${comp[0].toUpperCase()}${comp.slice(1)}${i}(id: string, options: LoadOptions = {}): Promise<Record${i}> {`,
      `    const retries = options.retries ?? ${1 + Math.floor(r() * 5)};`,
      `    for (let attempt = 0; attempt < retries; attempt++) {`,
      `        const response = await fetch(\`https://api.example.com/${comp}/\${id}\`, { method: 'GET' });`,
      `        if (response.ok) {`,
      `            return (await response.json()) as Record${i};`,
      `        }`,
      `        await sleep(${100 * (1 + Math.floor(r() * 9))} * (attempt + 1));`,
      `    }`,
      `    throw new Error('${comp} ${i}: giving up after ' + retries + ' attempts');`,
      `}`,
      ``,
      ``,
    ].join('\n');
    parts.push(fn);
    len += fn.length;
  }
  return '```ts\n' + parts.join('\n') + '\n```';
}

const MAKERS: Record<Exclude<PromptKind, 'mixed'>, (r: () => number, chars: number) => string> = { prose, json: jsonOutput, logs, code };

function conversation(kind: PromptKind, r: () => number, chars: number): ChatMessage[] {
  const system: ChatMessage = { role: 'system', content: 'You are a helpful assistant for an engineering team. Answer precisely.' };
  const question: ChatMessage = { role: 'user', content: 'Which worker failed, what error did it log, and what should we do next?' };
  if (kind === 'json' || kind === 'logs') {
    // Tool output arrives as a tool message, the raw JSON or log text as the tool returned it.
    const call = { id: 'call_1', type: 'function', function: { name: `fetch_${kind}`, arguments: '{}' } };
    return [
      system,
      { role: 'user', content: 'Check the workers for me.' },
      { role: 'assistant', content: null, tool_calls: [call] },
      { role: 'tool', tool_call_id: 'call_1', content: MAKERS[kind](r, chars) },
      question,
    ];
  }
  if (kind !== 'mixed') {
    const body = MAKERS[kind](r, chars);
    return [system, { role: 'user', content: `Here is the material:\n\n${body}` }, question];
  }
  const quarter = chars / 4;
  return [
    system,
    { role: 'user', content: `Context from the incident review:\n\n${prose(r, quarter)}` },
    {
      role: 'assistant',
      content: 'Let me look at the workers and the logs.',
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'list_workers', arguments: '{}' } },
        { id: 'call_2', type: 'function', function: { name: 'tail_logs', arguments: '{"lines":5000}' } },
      ],
    },
    { role: 'tool', tool_call_id: 'call_1', content: jsonOutput(r, quarter) },
    { role: 'tool', tool_call_id: 'call_2', content: logs(r, quarter) },
    { role: 'user', content: `The handler code:\n\n${code(r, quarter)}` },
    question,
  ];
}

function tokensOf(messages: ChatMessage[]): number {
  return messages.reduce((a, m) => a + (typeof m.content === 'string' ? o200kTokens(m.content) : 0), 0);
}

/** A conversation of about `tokens` o200k tokens (within a few %), the same for the same arguments. */
export function syntheticPrompt(kind: PromptKind, tokens: number, seed = 42): { messages: ChatMessage[]; tokens: number } {
  let chars = tokens * 3.5;
  let messages = conversation(kind, rng(seed), chars);
  let n = tokensOf(messages);
  for (let i = 0; i < 3 && Math.abs(n - tokens) / tokens > 0.03; i++) {
    chars *= tokens / n;
    messages = conversation(kind, rng(seed), chars);
    n = tokensOf(messages);
  }
  return { messages, tokens: n };
}
