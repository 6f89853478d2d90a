// The query a message is judged against, found causally: the question or trailing instruction
// inside the message itself, else the latest EARLIER user turn and assistant tool call - never a
// later message, so the compressed form of message i depends only on messages 0..i. Also finds the
// trailing question/instruction of a user message, which is always kept verbatim.
import type { ChatMessage } from './types.js';

const STOP = new Set(
  (
    'a an the and or but if then else of to in on at by for with from as is are was were be been being ' +
    'do does did done have has had having it its this that these those there here what which who whom ' +
    'whose when where why how i me my we our you your he him his she her they them their can could ' +
    'would should will shall may might must about into over under than so such very just also only ' +
    'any all some each other more most much many per via up down out off again once please answer ' +
    'question using use provided based following given above below tell me explain describe find ' +
    'quote exactly list say said think let us one two'
  ).split(' '),
);

const WORD = /[A-Za-z][A-Za-z0-9_'-]*|\d[\d.,:/-]*/g;

/** Lower-cased content words of `text` (stop words removed, at most 64). */
export function queryTerms(text: string): Set<string> {
  const out = new Set<string>();
  if (!text) return out;
  const m = text.match(WORD);
  if (!m) return out;
  for (const w of m) {
    const l = w.toLowerCase().replace(/'s$/, '');
    if (l.length < 2 || STOP.has(l)) continue;
    out.add(l);
    if (out.size >= 64) break;
  }
  return out;
}

const TAIL_MAX = 1200;
const LINE_MAX = 500;
const QUESTION_START = /^(?:question|q|query|task|instruction|instructions)\s*[:.]/i;

/** Offset where the trailing question/instruction of `text` starts (text.length when none). */
export function trailingInstructionStart(text: string): number {
  let end = text.length;
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  if (end === 0) return text.length;
  // last paragraph
  const para = text.lastIndexOf('\n\n', end - 1);
  const paraStart = para < 0 ? 0 : para + 2;
  if (end - paraStart <= TAIL_MAX) return paraStart;
  // a "Question:" line inside the last TAIL_MAX characters
  const windowStart = end - TAIL_MAX;
  let best = -1;
  for (let at = text.indexOf('\n', windowStart); at >= 0 && at < end; at = text.indexOf('\n', at + 1)) {
    if (QUESTION_START.test(text.slice(at + 1, at + 20))) {
      best = at + 1;
      break;
    }
  }
  if (best >= 0) return best;
  // else the last line, or the last sentence(s) of a very long last line
  const nl = text.lastIndexOf('\n', end - 1);
  const lineStart = nl < 0 ? 0 : nl + 1;
  if (end - lineStart <= LINE_MAX) return lineStart;
  const from = end - LINE_MAX;
  const window = text.slice(from, end);
  const m = /[.!?]\s+/.exec(window);
  if (m) return from + m.index + m[0].length;
  const sp = window.search(/\s/);
  return sp >= 0 ? from + sp + 1 : from;
}

const HEAD_PARA_MAX = 300;
const HEAD_LINE_MAX = 200;
const HEAD_LINE_END = /[:?]\s*$/;

/** End offset of a leading instruction ("Summarize the article below:", "Fix this bug?") that is
 *  kept verbatim like the trailing one: a first paragraph of at most 300 characters, else a first
 *  line of at most 200 characters ending in ':' or '?'. 0 when there is none. */
export function leadingInstructionEnd(text: string): number {
  let start = 0;
  while (start < text.length && /\s/.test(text[start])) start++;
  const para = text.indexOf('\n\n', start);
  if (para > 0 && para - start <= HEAD_PARA_MAX) return para;
  const nl = text.indexOf('\n', start);
  if (nl > 0 && nl - start <= HEAD_LINE_MAX && HEAD_LINE_END.test(text.slice(start, nl))) return nl;
  return 0;
}

/** The text of a message's text parts joined (images and other parts ignored). */
export function messageText(m: ChatMessage | null | undefined): string {
  if (!m || typeof m !== 'object') return '';
  const c = m.content;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) {
    let out = '';
    for (const p of c) {
      if (p && typeof p === 'object' && p.type === 'text' && typeof p.text === 'string') out += (out ? '\n' : '') + p.text;
    }
    return out;
  }
  return '';
}

function toolCallText(m: ChatMessage): string {
  const calls = m.tool_calls;
  let out = '';
  if (Array.isArray(calls)) {
    for (const c of calls) {
      const f = c && typeof c === 'object' ? (c as { function?: { name?: unknown; arguments?: unknown } }).function : undefined;
      if (f) out += ` ${typeof f.name === 'string' ? f.name : ''} ${typeof f.arguments === 'string' ? f.arguments.slice(0, 1000) : ''}`;
    }
  }
  const fc = m.function_call as { name?: unknown; arguments?: unknown } | undefined;
  if (fc && typeof fc === 'object') out += ` ${String(fc.name ?? '')} ${typeof fc.arguments === 'string' ? fc.arguments.slice(0, 1000) : ''}`;
  return out.trim();
}

/** The last `max` sentences ending in '?' (found from the '?' backwards: linear time). */
function questionSentences(text: string, max: number): string[] {
  const out: string[] = [];
  for (let q = text.lastIndexOf('?'); q > 0 && out.length < max; q = text.lastIndexOf('?', q - 1)) {
    let s = q - 1;
    const floor = Math.max(0, q - 400);
    while (s >= floor) {
      const c = text.charCodeAt(s);
      if (c === 46 || c === 33 || c === 63 || c === 10) break;
      s--;
    }
    const sentence = text.slice(s + 1, q + 1).trim();
    if (sentence.length > 3) out.push(sentence);
    if (s < q - 1 && text.charCodeAt(s) === 63) q = s + 1;
  }
  return out;
}

const QUESTION_LINE = /^[ \t]*(?:question|q|query|task|instruction|instructions)[ \t]*[:.][^\n]{3,500}/gim;
/** short enough to be an instruction rather than a pasted document */
const SHORT_TAIL = 300;

/** The question(s) inside one text, most telling first: "Question:"-style lines, sentences ending
 *  in '?', the leading instruction, and the trailing instruction (whole when there is nothing
 *  else or it is short; a long trailing paragraph may be a pasted document, not the question). */
export function questionIn(text: string): string {
  if (!text) return '';
  const parts: string[] = [];
  const add = (p: string): void => {
    const t = p.trim();
    if (t && !parts.some((x) => x.includes(t))) parts.push(t);
  };
  const lines = text.length > 2_000_000 ? null : text.match(QUESTION_LINE);
  if (lines) for (const l of lines.slice(-3)) add(l);
  for (const s of questionSentences(text, 3)) add(s);
  const headEnd = leadingInstructionEnd(text);
  if (headEnd > 0) add(text.slice(0, headEnd));
  const tail = text.slice(trailingInstructionStart(text)).trim();
  if (parts.length === 0 || tail.length <= SHORT_TAIL) add(tail.length <= TAIL_MAX ? tail : tail.slice(-TAIL_MAX));
  return parts.join(' ');
}

/** Per-request memo of questionIn by message (a long agent session asks for the same earlier
 *  user turn once per tool message). */
export type QuestionMemo = Map<number, string>;

function memoQuestion(messages: readonly ChatMessage[], j: number, memo?: QuestionMemo): string {
  const hit = memo?.get(j);
  if (hit !== undefined) return hit;
  const q = questionIn(messageText(messages[j]));
  memo?.set(j, q);
  return q;
}

/** Query for message `index`, from messages 0..index only. */
export function queryFor(messages: readonly ChatMessage[], index: number, memo?: QuestionMemo): string {
  const self = messages[index];
  if (self && self.role === 'user') {
    const q = memoQuestion(messages, index, memo);
    if (q) return q;
  }
  let user = '';
  let call = '';
  for (let j = index - 1; j >= 0 && (!user || !call); j--) {
    const m = messages[j];
    if (!m || typeof m !== 'object') continue;
    if (!user && m.role === 'user') user = memoQuestion(messages, j, memo);
    if (!call && m.role === 'assistant') {
      const t = toolCallText(m);
      if (t) call = t;
    }
  }
  return (user + (call ? ' ' + call : '')).trim();
}
