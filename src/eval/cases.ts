// Loads eval cases: every `*.jsonl` file directly inside a directory, one case per line, in the
// format of the shared eval README. Any directory of that format works (the harness is run on data
// it has never seen), so unknown kinds are kept as they are and only the fields the metrics need are
// checked. A malformed line is an error naming file:line — nothing is skipped silently.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatMessage } from '../compress/types.js';

export interface EvalCase {
  id: string;
  kind: string;
  messages: ChatMessage[];
  question: string | null;
  answers: string[];
  mustKeep: string[];
  /** where the case came from, `file:line`, for error messages */
  origin: string;
}

export class CaseFormatError extends Error {}

function fail(origin: string, message: string): never {
  throw new CaseFormatError(`${origin}: ${message}`);
}

function stringList(value: unknown, field: string, origin: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(origin, `"${field}" must be an array of strings`);
  value.forEach((item, i) => {
    if (typeof item !== 'string') fail(origin, `"${field}"[${i}] must be a string`);
  });
  return value as string[];
}

function checkMessages(value: unknown, origin: string): ChatMessage[] {
  if (!Array.isArray(value) || value.length === 0) fail(origin, '"messages" must be a non-empty array');
  value.forEach((m: unknown, i) => {
    if (typeof m !== 'object' || m === null || Array.isArray(m)) fail(origin, `messages[${i}] must be an object`);
    const msg = m as Record<string, unknown>;
    if (typeof msg.role !== 'string') fail(origin, `messages[${i}].role must be a string`);
    const c = msg.content;
    if (c !== undefined && c !== null && typeof c !== 'string') {
      if (!Array.isArray(c)) fail(origin, `messages[${i}].content must be a string, an array of parts or null`);
      c.forEach((part: unknown, j) => {
        if (typeof part !== 'object' || part === null || typeof (part as { type?: unknown }).type !== 'string') {
          fail(origin, `messages[${i}].content[${j}] must be an object with a "type"`);
        }
      });
    }
  });
  return value as ChatMessage[];
}

/** Parses one JSONL line into a case; `origin` is `file:line`. */
export function parseCase(line: string, origin: string): EvalCase {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (err) {
    fail(origin, `invalid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(origin, 'a case must be a JSON object');
  const obj = raw as Record<string, unknown>;
  if (obj.id !== undefined && typeof obj.id !== 'string' && typeof obj.id !== 'number') fail(origin, '"id" must be a string');
  if (obj.kind !== undefined && obj.kind !== null && typeof obj.kind !== 'string') fail(origin, '"kind" must be a string');
  if (obj.question !== undefined && obj.question !== null && typeof obj.question !== 'string') {
    fail(origin, '"question" must be a string or null');
  }
  return {
    id: obj.id === undefined ? origin : String(obj.id),
    kind: typeof obj.kind === 'string' && obj.kind !== '' ? obj.kind : 'unknown',
    messages: checkMessages(obj.messages, origin),
    question: typeof obj.question === 'string' ? obj.question : null,
    answers: stringList(obj.answers, 'answers', origin),
    mustKeep: stringList(obj.must_keep, 'must_keep', origin),
    origin,
  };
}

/** Parses a whole JSONL text; blank lines are allowed, anything else must be a case. */
export function parseCases(text: string, file: string): EvalCase[] {
  const cases: EvalCase[] = [];
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    cases.push(parseCase(line, `${file}:${i + 1}`));
  }
  return cases;
}

/** Every case of every `*.jsonl` file in `dir` (not recursive), files in name order. */
export function loadCases(dir: string): EvalCase[] {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new CaseFormatError(`data directory not found: ${dir}`);
  }
  if (!isDir) throw new CaseFormatError(`not a directory: ${dir}`);
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.name.endsWith('.jsonl') && !e.isDirectory())
    .map((e) => e.name)
    .sort();
  if (files.length === 0) throw new CaseFormatError(`no *.jsonl files in ${dir}`);
  const cases: EvalCase[] = [];
  for (const name of files) {
    const path = join(dir, name);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new CaseFormatError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    cases.push(...parseCases(text, path));
  }
  return cases;
}
