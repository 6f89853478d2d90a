// `opencompress eval --data DIR`: measures the engine on a directory of JSONL eval cases (format of
// the shared eval README) and prints per-kind and overall figures, as a table or — with `--json` —
// exactly one JSON object. Exit code 0 whenever the eval ran, whatever the scores.
import { parseArgs } from 'node:util';
import { compressMessages } from '../compress/index.js';
import type { CompressOptions, Level } from '../compress/types.js';
import { CaseFormatError, CLOCKS, formatReport, loadCases, runEval, type CaseResult, type Clock } from '../eval/index.js';

const LEVELS: readonly Level[] = ['off', 'lossless', 'balanced', 'aggressive'];

const HELP = `Usage: opencompress eval --data DIR [options]

Runs the compression engine over every *.jsonl file in DIR (one case per line:
{"id","kind","messages","question","answers","must_keep"}) and reports, per kind and
overall: o200k tokens before/after, reduction, answer and must-keep retention, JSON
validity, determinism, causal stability, median ms per case and tokens per second.

Options:
  --data DIR           directory of *.jsonl cases (required)
  --level L            off | lossless | balanced | aggressive (default balanced)
  --target-ratio R     keep about this share of the compressible tokens (0 < R <= 1)
  --kind K             only cases of these kinds (comma-separated)
  --runs N             timed runs per case, median reported (default 3)
  --no-causal          skip the causal-stability check (one compression per message)
  --clock cpu|wall     time compressMessages by process CPU time (default: robust on a
                       busy machine) or by elapsed wall-clock time
  --json               print exactly one JSON object (the eval README's shape)
  --verbose            one line per case on stderr
  -h, --help           show this help`;

class UsageError extends Error {}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      level: { type: 'string' },
      'target-ratio': { type: 'string' },
      kind: { type: 'string', multiple: true },
      runs: { type: 'string' },
      'no-causal': { type: 'boolean' },
      clock: { type: 'string' },
      json: { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true as const };
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (!values.data) throw new UsageError('--data DIR is required');
  const level = (values.level ?? 'balanced') as Level;
  if (!LEVELS.includes(level)) throw new UsageError(`--level must be one of ${LEVELS.join(', ')} (got "${values.level}")`);
  let targetRatio: number | undefined;
  if (values['target-ratio'] !== undefined) {
    targetRatio = Number(values['target-ratio']);
    if (!(targetRatio > 0 && targetRatio <= 1)) {
      throw new UsageError(`--target-ratio must be a number in (0, 1] (got "${values['target-ratio']}")`);
    }
  }
  const runs = values.runs === undefined ? 3 : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs must be a positive integer (got "${values.runs}")`);
  const clock = (values.clock ?? 'cpu') as Clock;
  if (!CLOCKS.includes(clock)) throw new UsageError(`--clock must be cpu or wall (got "${values.clock}")`);
  const kinds = (values.kind ?? []).flatMap((k) => k.split(',')).map((k) => k.trim()).filter(Boolean);
  return {
    help: false as const,
    data: values.data,
    level,
    targetRatio,
    kinds,
    runs,
    clock,
    causal: !values['no-causal'],
    json: values.json ?? false,
    verbose: values.verbose ?? false,
  };
}

function caseLine(r: CaseResult): string {
  const red = r.originalTokens === 0 ? 0 : 1 - r.compressedTokens / r.originalTokens;
  const notes: string[] = [];
  if (r.error) notes.push(`ENGINE ERROR: ${r.error}`);
  if (r.lostAnswers.length) notes.push(`lost answers ${JSON.stringify(r.lostAnswers)}`);
  if (r.lostMustKeep.length) notes.push(`lost must-keep ${JSON.stringify(r.lostMustKeep)}`);
  if (r.jsonValid === false) notes.push('invalid JSON');
  if (!r.deterministic) notes.push('not deterministic');
  if (r.causalBreakAt !== null) notes.push(`causal break at k=${r.causalBreakAt}`);
  if (r.absentAnswers.length || r.absentMustKeep.length) {
    notes.push(`not in the original: ${JSON.stringify([...r.absentAnswers, ...r.absentMustKeep])}`);
  }
  const ms = Number.isFinite(r.ms) ? `${r.ms.toFixed(2)} ms` : '- ms';
  return `${r.id} [${r.kind}] ${r.originalTokens} → ${r.compressedTokens} tokens (-${(red * 100).toFixed(1)}%), ${ms}${notes.length ? `; ${notes.join('; ')}` : ''}`;
}

export async function run(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (err) {
    console.error(`opencompress eval: ${err instanceof Error ? err.message : String(err)}\nRun \`opencompress eval --help\` for usage.`);
    return 2;
  }
  if (args.help) {
    console.log(HELP);
    return 0;
  }

  let cases;
  try {
    cases = loadCases(args.data);
  } catch (err) {
    if (err instanceof CaseFormatError) {
      console.error(`opencompress eval: ${err.message}`);
      return 2;
    }
    throw err;
  }
  if (args.kinds.length > 0) {
    const wanted = new Set(args.kinds);
    cases = cases.filter((c) => wanted.has(c.kind));
    if (cases.length === 0) {
      console.error(`opencompress eval: no cases of kind ${args.kinds.join(', ')} in ${args.data}`);
      return 2;
    }
  }

  const options: CompressOptions = { level: args.level };
  if (args.targetRatio !== undefined) options.targetRatio = args.targetRatio;
  let absent = 0;
  const { report } = runEval(cases, {
    compress: compressMessages,
    options,
    runs: args.runs,
    skipCausal: !args.causal,
    clock: args.clock,
    onCase: (r) => {
      if (r.absentAnswers.length || r.absentMustKeep.length) absent++;
      if (args.verbose) console.error(caseLine(r));
      else if (r.error) console.error(`opencompress eval: ${r.id}: compressMessages threw: ${r.error}`);
    },
  });
  if (absent > 0 && !args.verbose) {
    console.error(
      `opencompress eval: note: ${absent} case(s) list answers/must_keep strings that are not in their original messages (see --verbose)`,
    );
  }
  if (!args.causal) console.error('opencompress eval: note: causal stability not checked (--no-causal); reported as 100%');
  console.log(args.json ? JSON.stringify(report) : formatReport(report));
  return 0;
}
