// `opencompress compress [FILE|-]`: compresses a chat request JSON ({"model", "messages"}), a bare
// messages array, or plain text (as one user message) read from FILE or stdin, and prints the result
// in the same form; `--stats` adds a per-message table on stderr, `--json` prints one JSON object
// with the result and the engine's stats.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compressMessages } from '../compress/index.js';
import type { ChatMessage, CompressOptions, CompressStats, Level } from '../compress/types.js';
import { renderTable } from '../eval/report-table.js';

const LEVELS: readonly Level[] = ['off', 'lossless', 'balanced', 'aggressive'];

const HELP = `Usage: opencompress compress [FILE|-] [options]

Reads a chat request JSON ({"model": ..., "messages": [...]}), a bare messages array, or
plain text from FILE (or stdin when FILE is - or missing) and prints it compressed: the
whole request with its messages replaced, the messages array, or the compressed text.

Options:
  --level L            off | lossless | balanced | aggressive (default balanced)
  --target-ratio R     keep about this share of the compressible tokens (0 < R <= 1)
  --target-tokens N    aim for about N tokens in the compressible messages
  --model M            tokenizer model (default: the request's "model", else o200k)
  --stats              print a table of tokens before/after per message to stderr
  --json               print one JSON object: {"result": <output>, "stats": <engine stats>}
  -h, --help           show this help`;

class InputError extends Error {}

type Input =
  | { form: 'request'; request: Record<string, unknown>; messages: ChatMessage[] }
  | { form: 'messages'; messages: ChatMessage[] }
  | { form: 'text'; text: string };

function checkMessages(value: unknown, where: string): ChatMessage[] {
  if (!Array.isArray(value)) throw new InputError(`${where} must be an array of messages`);
  value.forEach((m: unknown, i) => {
    if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new InputError(`${where}[${i}] must be an object`);
    const msg = m as Record<string, unknown>;
    if (typeof msg.role !== 'string') throw new InputError(`${where}[${i}].role must be a string`);
    const c = msg.content;
    if (c !== undefined && c !== null && typeof c !== 'string' && !Array.isArray(c)) {
      throw new InputError(`${where}[${i}].content must be a string, an array of parts or null`);
    }
  });
  return value as ChatMessage[];
}

/** Decides what the input is: a request object, a messages array, or anything else as plain text. */
export function classifyInput(text: string): Input {
  const trimmed = text.trim();
  if (trimmed === '') throw new InputError('the input is empty');
  let parsed: unknown;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      parsed = undefined; // not JSON: plain text that happens to start with a bracket
    }
  }
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && 'messages' in parsed) {
    const request = parsed as Record<string, unknown>;
    return { form: 'request', request, messages: checkMessages(request.messages, '"messages"') };
  }
  const looksLikeMessages =
    Array.isArray(parsed) &&
    parsed.length > 0 &&
    parsed.every((m) => typeof m === 'object' && m !== null && !Array.isArray(m) && 'role' in m);
  if (looksLikeMessages) return { form: 'messages', messages: checkMessages(parsed, 'the messages array') };
  return { form: 'text', text };
}

function readInput(file: string | undefined): string {
  if (file === undefined || file === '-') {
    if (file === undefined && process.stdin.isTTY) throw new InputError('no input: give a FILE or pipe the input on stdin');
    try {
      return readFileSync(0, 'utf8');
    } catch (err) {
      throw new InputError(`cannot read stdin: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code ?? String(err);
    throw new InputError(`cannot read ${file}: ${why}`);
  }
}

export function formatStats(stats: CompressStats): string {
  const saved = stats.originalTokens === 0 ? 0 : (stats.savedTokens / stats.originalTokens) * 100;
  const head =
    `tokens ${stats.originalTokens} → ${stats.compressedTokens} (${saved.toFixed(1)}% saved), ` +
    `${stats.ms.toFixed(2)} ms, level ${stats.level}, tokenizer ${stats.tokenizer}`;
  const rows = stats.messages.map((m) => [
    String(m.index),
    m.role,
    String(m.originalTokens),
    String(m.compressedTokens),
    m.transforms.join(',') || '-',
    m.reason ? `${m.guard} (${m.reason})` : m.guard,
  ]);
  const table = renderTable(['#', 'role', 'before', 'after', 'transforms', 'guard'], rows, [1, 4, 5]);
  return `${head}\n\n${table}`;
}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      level: { type: 'string' },
      'target-ratio': { type: 'string' },
      'target-tokens': { type: 'string' },
      model: { type: 'string' },
      stats: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true as const };
  if (positionals.length > 1) throw new InputError(`expected at most one FILE (got ${positionals.length})`);
  const options: CompressOptions = {};
  if (values.level !== undefined) {
    if (!LEVELS.includes(values.level as Level)) {
      throw new InputError(`--level must be one of ${LEVELS.join(', ')} (got "${values.level}")`);
    }
    options.level = values.level as Level;
  }
  if (values['target-ratio'] !== undefined) {
    const r = Number(values['target-ratio']);
    if (!(r > 0 && r <= 1)) throw new InputError(`--target-ratio must be a number in (0, 1] (got "${values['target-ratio']}")`);
    options.targetRatio = r;
  }
  if (values['target-tokens'] !== undefined) {
    const n = Number(values['target-tokens']);
    if (!Number.isInteger(n) || n < 1) {
      throw new InputError(`--target-tokens must be a positive integer (got "${values['target-tokens']}")`);
    }
    options.targetTokens = n;
  }
  if (values.model !== undefined) options.model = values.model;
  return { help: false as const, file: positionals[0], options, stats: values.stats ?? false, json: values.json ?? false };
}

export async function run(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  let input: Input;
  try {
    args = parse(argv);
    if (args.help) {
      console.log(HELP);
      return 0;
    }
    input = classifyInput(readInput(args.file));
  } catch (err) {
    console.error(`opencompress compress: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }

  const options = { ...args.options };
  if (input.form === 'request' && options.model === undefined && typeof input.request.model === 'string') {
    options.model = input.request.model;
  }
  const messages: ChatMessage[] = input.form === 'text' ? [{ role: 'user', content: input.text }] : input.messages;
  const { messages: out, stats } = compressMessages(messages, options);

  let result: unknown;
  if (input.form === 'request') result = { ...input.request, messages: out };
  else if (input.form === 'messages') result = out;
  else result = typeof out[0]?.content === 'string' ? out[0].content : input.text;

  if (args.stats) console.error(formatStats(stats));
  if (args.json) console.log(JSON.stringify({ result, stats }));
  else if (typeof result === 'string') process.stdout.write(result.endsWith('\n') ? result : `${result}\n`);
  else console.log(JSON.stringify(result, null, 2));
  return 0;
}
