// The price table: USD per 1M tokens (input, cached input, output) per model, from the built-in
// `prices.json` with an operator override file (`PRICES_FILE`) merged on top. Lookup normalises the
// model name the way clients actually send it (case, `provider/` prefix, OpenRouter `:variant`
// suffixes, dated snapshots, Anthropic's `4-5` vs OpenRouter's `4.5`) so one entry answers for all
// spellings. Prices are kept as integer picodollars per token so the fee arithmetic stays exact.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import builtin from './prices.json' with { type: 'json' };

/** USD per 1M tokens → picodollars per token is an exact ×1e6 for prices with ≤ 6 decimals. */
const PICO_PER_USD_PER_MTOK = 1_000_000;

export interface ModelPrice {
  /** the table's key for the model (its native name) */
  id: string;
  /** USD per 1M tokens, as written in the table */
  inputUsdPerMTok: number;
  cachedInputUsdPerMTok: number;
  outputUsdPerMTok: number;
  /** picodollars per token (integers): exact inputs of the fee arithmetic */
  inputPico: number;
  cachedInputPico: number;
  outputPico: number;
  source: string;
  asOf: string;
}

const usdPerMTok = z
  .number()
  .finite()
  .nonnegative()
  .max(10_000)
  .refine((n) => Math.abs(n * PICO_PER_USD_PER_MTOK - Math.round(n * PICO_PER_USD_PER_MTOK)) < 1e-6, {
    message: 'at most 6 decimal places',
  });

const entrySchema = z
  .object({
    input: usdPerMTok,
    cached_input: usdPerMTok.optional(),
    output: usdPerMTok,
    aliases: z.array(z.string().min(1)).optional(),
    source: z.string().optional(),
    as_of: z.string().optional(),
  })
  .strict();

const tableSchema = z
  .object({
    unit: z.literal('USD per 1M tokens').optional(),
    as_of: z.string().optional(),
    source: z.string().optional(),
    models: z.record(z.string().min(1), entrySchema),
  })
  .strict();

export type PriceTableFile = z.infer<typeof tableSchema>;

/** Lower-case and write single-digit version pairs with a dot (`claude-sonnet-4-5` → `claude-sonnet-4.5`). */
function canonical(name: string): string {
  return name.trim().toLowerCase().replace(/(?<=^|-)(\d)-(\d)(?=-|$)/g, '$1.$2');
}

/**
 * Dated snapshot suffixes that fall back to the undated entry: full dates only — -2024-08-06,
 * -20250929, @20241022 (Vertex) — and Vertex's @001 versions. Four-digit suffixes (-0613, -2411,
 * -2512: MMDD or YYMM) are not stripped: providers reuse a name for a new model priced differently
 * (mistral-large-2512 is Mistral Large 3, not mistral-large-2411), so a 4-digit snapshot is priced
 * only when the table lists it (as its own entry or an alias); otherwise it is an unknown model.
 */
const DATED_SUFFIX = /(?:-\d{4}-\d{2}-\d{2}|-\d{8}|@\d{8}|@\d{3})$/;

function candidates(model: string): string[] {
  let n = model.trim().toLowerCase();
  const out: string[] = [];
  const push = (s: string) => {
    if (s && !out.includes(s)) out.push(s);
  };
  push(n);
  // OpenRouter routing variants (`:nitro`, `:floor`, `:online`, `:thinking`, …) do not change the list price.
  // `:free` does: those models cost nothing, handled by the caller.
  n = n.replace(/:[a-z0-9-]+$/, '');
  push(n);
  const withoutPrefix = n.includes('/') ? n.slice(n.lastIndexOf('/') + 1) : n;
  push(withoutPrefix);
  // Strip a dated suffix only after an exact lookup failed: a dated id priced differently
  // (gpt-4o-2024-05-13) has its own entry and wins above.
  push(n.replace(DATED_SUFFIX, ''));
  push(withoutPrefix.replace(DATED_SUFFIX, ''));
  return out.map(canonical);
}

export class PriceTable {
  private readonly index = new Map<string, ModelPrice>();
  readonly asOf: string;
  readonly source: string;

  constructor(files: PriceTableFile[]) {
    const base = files[0];
    this.asOf = base?.as_of ?? 'unknown';
    this.source = base?.source ?? 'unknown';
    // canonical entry key → the price object that entry currently has (to find every name it answers to)
    const byKey = new Map<string, ModelPrice>();
    for (const file of files) {
      for (const [id, e] of Object.entries(file.models)) {
        const cached = e.cached_input ?? e.input;
        const price: ModelPrice = {
          id,
          inputUsdPerMTok: e.input,
          cachedInputUsdPerMTok: cached,
          outputUsdPerMTok: e.output,
          inputPico: Math.round(e.input * PICO_PER_USD_PER_MTOK),
          cachedInputPico: Math.round(cached * PICO_PER_USD_PER_MTOK),
          outputPico: Math.round(e.output * PICO_PER_USD_PER_MTOK),
          source: e.source ?? file.source ?? this.source,
          asOf: e.as_of ?? file.as_of ?? this.asOf,
        };
        // A later file (the override) re-prices an entry under every name it answers to: the names it
        // lists, plus — when its key is the key of an earlier entry — every name that entry answered
        // to (its aliases), so `gpt-4o-mini` alone also re-prices `openai/gpt-4o-mini`. A name an
        // entry had lost to another entry meanwhile stays with that other entry.
        const key = canonical(id);
        const names = new Set([key, ...(e.aliases ?? []).map(canonical)]);
        const previous = byKey.get(key);
        if (previous) for (const [name, p] of this.index) if (p === previous) names.add(name);
        for (const name of names) this.index.set(name, price);
        byKey.set(key, price);
      }
    }
  }

  private readonly memo = new Map<string, ModelPrice | null>();

  /** The price of a model, or undefined when the table does not know it. */
  lookup(model: string): ModelPrice | undefined {
    const hit = this.memo.get(model);
    if (hit !== undefined) return hit ?? undefined;
    const found = this.resolve(model);
    if (this.memo.size >= 10_000) this.memo.clear();
    this.memo.set(model, found ?? null);
    return found;
  }

  private resolve(model: string): ModelPrice | undefined {
    if (/:free$/i.test(model.trim())) {
      return { id: model, inputUsdPerMTok: 0, cachedInputUsdPerMTok: 0, outputUsdPerMTok: 0, inputPico: 0, cachedInputPico: 0, outputPico: 0, source: 'openrouter :free variant', asOf: this.asOf };
    }
    for (const c of candidates(model)) {
      const hit = this.index.get(c);
      if (hit) return hit;
    }
    return undefined;
  }

  /** Every distinct entry (for docs and the dashboard). */
  entries(): ModelPrice[] {
    return [...new Set(this.index.values())];
  }
}

/** Validate a parsed price file; throws an Error naming the file and the first problems. */
export function parsePriceFile(data: unknown, origin: string): PriceTableFile {
  const r = tableSchema.safeParse(data);
  if (!r.success) {
    const problems = r.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new Error(`invalid price table ${origin}: ${problems}`);
  }
  return r.data;
}

/** The built-in table, with `pricesFile` (PRICES_FILE) merged on top when given. */
export function loadPriceTable(pricesFile?: string): PriceTable {
  const files = [parsePriceFile(builtin, 'src/billing/prices.json')];
  if (pricesFile) {
    let raw: string;
    try {
      raw = readFileSync(pricesFile, 'utf8');
    } catch (err) {
      throw new Error(`PRICES_FILE ${pricesFile} cannot be read: ${(err as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      throw new Error(`PRICES_FILE ${pricesFile} is not valid JSON: ${(err as Error).message}`);
    }
    files.push(parsePriceFile(json, `PRICES_FILE ${pricesFile}`));
  }
  return new PriceTable(files);
}
