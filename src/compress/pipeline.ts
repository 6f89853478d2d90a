// The engine's driver: walks the messages in order, decides which text may be compressed (roles,
// text parts only), finds each message's query causally, splits text into blocks, runs the
// transforms of the block's kind for the level, checks the guard, and keeps the compressed form
// only when it is smaller. Message i is computed from messages 0..i and the options alone
// (the causal, cache-safe invariant), so growing a conversation never changes earlier messages.
import type {
  Block,
  ChatMessage,
  CompressOptions,
  CompressResult,
  CompressStats,
  ContentPart,
  MessageStats,
  TransformContext,
} from './types.js';
import { countWith, tokenizerFor, type TokenizerName } from './tokens.js';
import { TokenCounter } from './token-counter.js';
import { segment, joinSegments } from './segment.js';
import { queryFor, queryTerms, trailingInstructionStart, leadingInstructionEnd, messageText, type QuestionMemo } from './query.js';
import { queryEntities } from './protect.js';
import { checkSpans } from './guard.js';
import { BlockHistory, dedupe } from './transforms/dedupe.js';
import { JsonHistory } from './transforms/json-history.js';
import { transformsFor } from './registry.js';
import { resolveBudget, type Budget } from './budget.js';
import { nextKey, rootKey, type CachedMessage, type CompressionCache } from './cache.js';

const DEFAULT_ROLES = ['user', 'tool', 'function'];
/** a user message this short is kept verbatim (it is all instruction) */
const SHORT_USER_CHARS = 300;
/** a message that would save less than this is sent unchanged */
const MIN_SAVED_TOKENS = 4;
const MIN_SAVED_SHARE = 0.02;

interface Resolved {
  budget: Budget;
  roles: ReadonlySet<string>;
  tokenizer: TokenizerName;
}

function resolve(options: CompressOptions | undefined): Resolved {
  const o = options && typeof options === 'object' ? options : {};
  const roles = Array.isArray(o.roles) ? o.roles.filter((r): r is string => typeof r === 'string') : DEFAULT_ROLES;
  return {
    budget: resolveBudget(o),
    roles: new Set(roles),
    tokenizer: tokenizerFor(typeof o.model === 'string' ? o.model : undefined),
  };
}

function emptyStats(r: Resolved, t0: number): CompressStats {
  return {
    originalTokens: 0,
    compressedTokens: 0,
    savedTokens: 0,
    ratio: 1,
    tokenizer: r.tokenizer,
    level: r.budget.label,
    ms: performance.now() - t0,
    messages: [],
  };
}

export function compressMessages(messages: ChatMessage[], options?: CompressOptions): CompressResult {
  const t0 = performance.now();
  let r: Resolved;
  try {
    r = resolve(options);
  } catch {
    r = { budget: resolveBudget({}), roles: new Set(DEFAULT_ROLES), tokenizer: 'o200k' };
  }
  if (!Array.isArray(messages)) return { messages, stats: emptyStats(r, t0) };
  try {
    return run(messages, r, t0, cacheOf(options, r));
  } catch {
    // never throw: send everything as it came
    const stats = emptyStats(r, t0);
    stats.messages = messages.map((m, index) => {
      let n = 0;
      try {
        n = countWith(r.tokenizer, messageText(m));
      } catch {
        n = 0;
      }
      return { index, role: roleOf(m), originalTokens: n, compressedTokens: n, transforms: [], guard: 'skipped' };
    });
    stats.originalTokens = stats.compressedTokens = stats.messages.reduce((s, m) => s + m.originalTokens, 0);
    stats.ms = performance.now() - t0;
    return { messages: messages.slice(), stats };
  }
}

function roleOf(m: unknown): string {
  return m && typeof m === 'object' && typeof (m as ChatMessage).role === 'string' ? (m as ChatMessage).role : '';
}

/** The cache and the root of its key chain (the options that change output), when one is given. */
function cacheOf(options: CompressOptions | undefined, r: Resolved): { cache: CompressionCache; root: string } | undefined {
  const cache = options && typeof options === 'object' ? options.cache : undefined;
  if (!cache || typeof cache.get !== 'function') return undefined;
  const o = options as CompressOptions;
  const num = (v: unknown): unknown => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  // the budget is decided by these raw values (see resolveBudget); roles and tokenizer as resolved
  const root = rootKey([
    r.budget.level,
    r.budget.label,
    r.budget.level === 'off' ? null : num(o.targetRatio),
    r.budget.level === 'off' ? null : num(o.targetTokens),
    r.tokenizer,
    [...r.roles].sort(),
  ]);
  return { cache, root };
}

function run(
  messages: ChatMessage[],
  r: Resolved,
  t0: number,
  cached?: { cache: CompressionCache; root: string },
): CompressResult {
  const out: ChatMessage[] = new Array(messages.length);
  const stats: MessageStats[] = new Array(messages.length);
  const history = new BlockHistory();
  const jsonHistory = new JsonHistory();
  const memo: QuestionMemo = new Map();
  const counter = new TokenCounter(r.tokenizer);
  let cumulative = 0;
  let key = cached?.root;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const role = roleOf(m);
    const compressible = r.budget.level !== 'off' && role !== '' && r.roles.has(role) && hasText(m);
    if (key !== undefined) key = nextKey(key, m);
    const hit = key !== undefined ? cached!.cache.get(key) : undefined;
    if (hit !== undefined) {
      // replay exactly the state updates the uncached path below makes for this message
      out[i] = hit.content === undefined ? m : withContent(m, hit.content);
      stats[i] = { ...hit.stats, transforms: hit.stats.transforms.slice() };
      hit.remembered.forEach((text, k) => history.remember(text, i, k));
      if (compressible) {
        jsonHistory.rememberMessage(out[i], i);
        cumulative += hit.stats.originalTokens;
      } else if (r.budget.level !== 'off') jsonHistory.rememberMessage(m, i);
      continue;
    }
    if (!compressible) {
      const n = counter.count(messageText(m));
      out[i] = m;
      stats[i] = { index: i, role, originalTokens: n, compressedTokens: n, transforms: [], guard: 'skipped' };
      let remembered: readonly string[] = [];
      if (r.budget.level !== 'off') {
        remembered = rememberAll(history, m, i);
        jsonHistory.rememberMessage(m, i);
      }
      if (key !== undefined) cached!.cache.set(key, { stats: stats[i], remembered });
      continue;
    }
    const res = compressMessage(messages, i, r, history, cumulative, memo, counter, jsonHistory);
    jsonHistory.rememberMessage(res.message, i);
    cumulative += res.stats.originalTokens;
    out[i] = res.message;
    stats[i] = res.stats;
    if (key !== undefined) cached!.cache.set(key, toEntry(m, res));
  }
  let original = 0;
  let compressed = 0;
  for (const s of stats) {
    original += s.originalTokens;
    compressed += s.compressedTokens;
  }
  return {
    messages: out,
    stats: {
      originalTokens: original,
      compressedTokens: compressed,
      savedTokens: original - compressed,
      ratio: original > 0 ? compressed / original : 1,
      tokenizer: r.tokenizer,
      level: r.budget.label,
      ms: performance.now() - t0,
      messages: stats,
    },
  };
}

/** What the cache keeps of a compressed message: only strings (the message is rebuilt on a hit). */
function toEntry(m: ChatMessage, res: { message: ChatMessage; stats: MessageStats; remembered: string[] }): CachedMessage {
  const base = { stats: res.stats, remembered: res.remembered };
  if (res.message === m) return base;
  const c = res.message.content;
  if (typeof c === 'string') return { ...base, content: c };
  const parts = m.content as ContentPart[];
  const sent = c as ContentPart[];
  return { ...base, content: parts.map((p, k) => (isTextPart(p) && p.text.length > 0 ? (sent[k] as { text: string }).text : null)) };
}

/** The message as compressMessage builds it, from the cached content (fresh objects every time). */
function withContent(m: ChatMessage, content: string | readonly (string | null)[]): ChatMessage {
  if (typeof content === 'string') return { ...m, content };
  const parts = m.content as ContentPart[];
  return { ...m, content: parts.map((p, k) => (content[k] === null ? p : { ...p, text: content[k] as string })) };
}

function hasText(m: ChatMessage): boolean {
  const c = m.content;
  if (typeof c === 'string') return c.length > 0;
  if (Array.isArray(c)) return c.some((p) => isTextPart(p) && p.text.length > 0);
  return false;
}

function isTextPart(p: unknown): p is { type: 'text'; text: string } {
  return !!p && typeof p === 'object' && (p as ContentPart).type === 'text' && typeof (p as { text?: unknown }).text === 'string';
}

/** Blocks of a message sent as is (system, assistant, …) can be referenced by later copies. */
function rememberAll(history: BlockHistory, m: ChatMessage, index: number): string[] {
  const text = messageText(m);
  if (text.length < 400) return [];
  const { blocks } = segment(text);
  blocks.forEach((b, k) => history.remember(b.text, index, k));
  return blocks.map((b) => b.text);
}

interface PartResult {
  text: string;
  transforms: string[];
  lost?: string;
  /** the original blocks of the part's body, for the dedupe memory */
  blocks: readonly Block[];
}

function compressMessage(
  messages: ChatMessage[],
  i: number,
  r: Resolved,
  history: BlockHistory,
  cumulativeBefore: number,
  memo: QuestionMemo,
  counter: TokenCounter,
  jsonHistory: JsonHistory,
): { message: ChatMessage; stats: MessageStats; remembered: string[] } {
  const m = messages[i];
  const role = m.role;
  const query = queryFor(messages, i, memo);
  const terms = queryTerms(query);
  const entities = queryEntities(query);
  const originalTokens = counter.count(messageText(m));
  const keep = r.budget.keepFor(originalTokens, cumulativeBefore + originalTokens);
  const ctx: TransformContext = {
    level: r.budget.level === 'off' ? 'lossless' : r.budget.level,
    keep,
    query,
    queryTerms: terms,
    role,
    messageIndex: i,
    messageTokens: originalTokens,
    jsonHistory,
  };
  const applied: string[] = [];
  const seenBlocks: Block[] = [];
  let lost: string | undefined;
  const compressPart = (text: string): string => {
    const res = compressText(text, ctx, role === 'user', history, entities);
    for (const b of res.blocks) seenBlocks.push(b);
    for (const t of res.transforms) if (!applied.includes(t)) applied.push(t);
    if (res.lost !== undefined && lost === undefined) lost = res.lost;
    return res.text;
  };
  let content: ChatMessage['content'];
  if (typeof m.content === 'string') content = compressPart(m.content);
  else {
    const parts = m.content as ContentPart[];
    content = parts.map((p) => (isTextPart(p) && p.text.length > 0 ? { ...p, text: compressPart(p.text) } : p));
  }
  const base = { index: i, role, originalTokens, transforms: [] as string[] };
  // later copies of this message's blocks may refer to them, whatever happens to this message
  seenBlocks.forEach((b, k) => history.remember(b.text, i, k));
  const remembered = seenBlocks.map((b) => b.text);
  if (lost !== undefined) {
    return { message: m, remembered, stats: { ...base, compressedTokens: originalTokens, guard: 'reverted', reason: `lost protected span: ${lost}` } };
  }
  const next: ChatMessage = { ...m, content };
  const compressedTokens = counter.count(messageText(next));
  const saved = originalTokens - compressedTokens;
  if (saved < MIN_SAVED_TOKENS || saved < originalTokens * MIN_SAVED_SHARE) {
    return { message: m, remembered, stats: { ...base, compressedTokens: originalTokens, guard: 'unchanged' } };
  }
  return { message: next, remembered, stats: { ...base, compressedTokens, transforms: applied, guard: 'kept' } };
}

/** A user message that is one JSON value is compressed as JSON (no verbatim tail to split off). */
function isWholeJson(text: string): boolean {
  const t = text.trimStart();
  const c = t.charCodeAt(0);
  if (c !== 123 && c !== 91 && c !== 34) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function compressText(
  text: string,
  ctx: TransformContext,
  isUser: boolean,
  history: BlockHistory,
  entities: readonly string[],
): PartResult {
  // the leading and trailing question/instruction of a user message (or a short user message)
  // stay verbatim
  let body = text;
  let head = '';
  let tail = '';
  if (isUser && !isWholeJson(text)) {
    if (text.length <= SHORT_USER_CHARS) return { text, transforms: [], blocks: [] };
    const at = trailingInstructionStart(text);
    const headEnd = leadingInstructionEnd(text);
    if (headEnd > 0 && headEnd < at) {
      // keep the white space after the head with it, so the body starts at its first line
      let b = headEnd;
      while (b < at && /\s/.test(text[b])) b++;
      head = text.slice(0, b);
    }
    body = text.slice(head.length, at);
    tail = text.slice(at);
  }
  if (body.trim() === '') return { text, transforms: [], blocks: [] };
  const { blocks, separators } = segment(body);
  const transforms: string[] = [];
  const outBlocks: Block[] = new Array(blocks.length);
  for (let k = 0; k < blocks.length; k++) {
    const input = blocks[k];
    const ref = dedupe(input, history);
    if (ref !== input) {
      outBlocks[k] = ref;
      if (!transforms.includes('dedupe')) transforms.push('dedupe');
      continue;
    }
    let b: Block = input;
    let omitted: string[] | undefined;
    // the guard compares with the losslessly normalised input (white space is not information):
    // the output of the leading whitespace pass where there is one, else the input
    let reference: Block = input;
    for (const [name, t] of transformsFor(input.kind, ctx.level)) {
      let next: Block;
      try {
        next = t(b, ctx);
      } catch {
        next = b;
      }
      if (!next || typeof next.text !== 'string' || next.text.length > b.text.length) next = b;
      if (next.omitted && next.omitted.length > 0) omitted = (omitted ?? []).concat(next.omitted);
      if (next.text !== b.text && !transforms.includes(name)) transforms.push(name);
      b = next;
      if (name === 'whitespace' && reference === input) reference = b;
    }
    if (b.text === input.text) {
      outBlocks[k] = input;
      continue;
    }
    if (b.text !== reference.text) {
      const structured = input.kind === 'json' || input.kind === 'log';
      const g = checkSpans(reference.text, b.text, omitted, entities, structured);
      if (!g.ok) return { text, transforms: [], lost: g.lost ?? '?', blocks };
    }
    outBlocks[k] = { kind: b.kind, text: b.text };
  }
  let out = joinSegments(outBlocks, separators);
  if (head) out = out === '' ? head.trimEnd() : head + out;
  if (tail) {
    let g = body.length;
    while (g > 0 && /\s/.test(body[g - 1])) g--;
    const gap = body.slice(g);
    const sep = gap.includes('\n\n') ? '\n\n' : gap.includes('\n') ? '\n' : gap ? ' ' : '';
    out = out === '' || /\s$/.test(out) ? out + tail : out + sep + tail;
  }
  return { text: out.length <= text.length ? out : text, transforms, blocks };
}
