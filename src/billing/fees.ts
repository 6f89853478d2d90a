// The money arithmetic of DESIGN.md §5, in integers only: what a request saved, the fee on it, the LLM
// cost, and what the account is charged. Pure functions — no I/O — so every rule is unit-tested with
// hand-computed numbers (test/billing/fees.test.ts) and documented in docs/billing.md.
//
// Units: prices are picodollars per token (1 USD per 1M tokens = 1,000,000 pico per token); money on
// a usage row is integer micro-dollars (1 USD = 1,000,000 micros). Rounding is half-up on
// micro-dollars (x.5 micros → x+1), applied once per quantity:
//   savings = roundHalfUp(max(0, original − compressed) × input_pico / 1e6)
//   fee     = roundHalfUp(savings × fee_rate)          (fee_rate as parts-per-million, exact)
//   cost    = OpenRouter usage.cost → roundHalfUp(usd × 1e6), else
//             roundHalfUp((uncached_in × in + cached × cached_in + write_5m × 1.25 in
//                          + write_1h × 2 in + out × out_pico) / 1e6)   (in quarter-picos: exact)
import type { KeyMode, UsageStatus } from './types.js';
import type { ModelPrice } from './prices.js';

const PICO_PER_MICRO = 1_000_000;

/** n / d rounded half-up, for n ≥ 0, d > 0 (bigint, exact). */
export function divRoundHalfUp(n: bigint, d: bigint): bigint {
  if (n < 0n || d <= 0n) throw new RangeError('divRoundHalfUp expects n >= 0 and d > 0');
  return (n * 2n + d) / (d * 2n);
}

/**
 * The same on numbers: exact while 2n + d stays a safe integer (then floor(a / b) of doubles is
 * exact, because the quotient's distance to the next integer is ≥ 1/b, larger than the rounding
 * error); bigint beyond. Token counts × picodollar prices stay far below 2^53 in practice.
 */
function roundDiv(n: number, d: number): number {
  const a = n * 2 + d;
  if (Number.isSafeInteger(a) && Number.isSafeInteger(d * 2)) return Math.floor(a / (d * 2));
  return Number(divRoundHalfUp(BigInt(n), BigInt(d)));
}

/** n × m for integers, exact (bigint when the product leaves the safe range). */
function mul(n: number, m: number): number | bigint {
  const p = n * m;
  return Number.isSafeInteger(p) ? p : BigInt(n) * BigInt(m);
}

function picoToMicros(pico: number | bigint): number {
  return typeof pico === 'bigint' ? Number(divRoundHalfUp(pico, BigInt(PICO_PER_MICRO))) : roundDiv(pico, PICO_PER_MICRO);
}

/** fee_rate (e.g. 0.2) as integer parts per million, rejecting rates outside [0, 1]. */
export function feeRatePpm(feeRate: number): number {
  if (!Number.isFinite(feeRate) || feeRate < 0 || feeRate > 1) throw new RangeError(`fee rate must be between 0 and 1, got ${feeRate}`);
  return Math.round(feeRate * 1_000_000);
}

/** A USD amount (OpenRouter `usage.cost`, a CLI `--usd`) as integer micro-dollars, half-up. */
export function usdToMicros(usd: number): number {
  if (!Number.isFinite(usd) || usd < 0) throw new RangeError(`expected a non-negative USD amount, got ${usd}`);
  // toFixed(3) removes binary noise (0.0000125 * 1e6 = 12.499999…) before rounding half-up.
  const scaled = Number((usd * 1_000_000).toFixed(3));
  return Math.floor(scaled + 0.5);
}

export function microsToUsd(micros: number): number {
  return micros / 1_000_000;
}

function tokens(n: number): number {
  if (!Number.isFinite(n) || n < 0) return 0;
  return Math.floor(n);
}

/** Input tokens the compression removed, priced at the model's input price, in micro-dollars. */
export function savingsMicros(originalInputTokens: number, compressedInputTokens: number, price: ModelPrice | undefined): number {
  if (!price) return 0;
  const saved = tokens(originalInputTokens) - tokens(compressedInputTokens);
  if (saved <= 0) return 0;
  return picoToMicros(mul(saved, price.inputPico));
}

export function feeMicros(savings: number, feeRate: number): number {
  const ppm = feeRatePpm(feeRate);
  if (savings <= 0) return 0;
  const p = mul(savings, ppm);
  return typeof p === 'bigint' ? Number(divRoundHalfUp(p, 1_000_000n)) : roundDiv(p, 1_000_000);
}

/** Prompt-cache writes (Anthropic), by lifetime; both are part of the prompt tokens. */
export interface CacheWrites {
  /** 5-minute lifetime: billed at 1.25 × the input price */
  ttl5m?: number;
  /** 1-hour lifetime: billed at 2 × the input price */
  ttl1h?: number;
}

/** Quarter-picodollars per picodollar: cache writes cost 5/4 (5 min) and 8/4 (1 h) of the input price. */
const QUARTERS = 4;
const WRITE_5M_QUARTERS = 5;
const WRITE_1H_QUARTERS = 8;

/**
 * The LLM's cost of a request from the table. `compressedInputTokens` is the upstream's
 * `prompt_tokens`, which (OpenAI semantics) includes the cached tokens and the cache writes: cached
 * tokens are priced at the cached rate, cache writes at 1.25 × (5-minute) or 2 × (1-hour) the input
 * rate (Anthropic's prices for prompt caching), the rest at the input rate. The sum is taken in
 * quarter-picodollars so the 1.25 × stays integer, and rounded once.
 */
export function tableCostMicros(
  price: ModelPrice | undefined,
  compressedInputTokens: number,
  cachedInputTokens: number,
  outputTokens: number,
  cacheWrites: CacheWrites = {},
): number {
  if (!price) return 0;
  const input = tokens(compressedInputTokens);
  const cached = Math.min(tokens(cachedInputTokens), input);
  const write5m = Math.min(tokens(cacheWrites.ttl5m ?? 0), input - cached);
  const write1h = Math.min(tokens(cacheWrites.ttl1h ?? 0), input - cached - write5m);
  const parts = [
    mul(input - cached - write5m - write1h, price.inputPico * QUARTERS),
    mul(cached, price.cachedInputPico * QUARTERS),
    mul(write5m, price.inputPico * WRITE_5M_QUARTERS),
    mul(write1h, price.inputPico * WRITE_1H_QUARTERS),
    mul(tokens(outputTokens), price.outputPico * QUARTERS),
  ];
  const d = PICO_PER_MICRO * QUARTERS;
  if (parts.every((x) => typeof x === 'number')) {
    const sum = (parts as number[]).reduce((a, b) => a + b, 0);
    if (Number.isSafeInteger(sum)) return roundDiv(sum, d);
  }
  return Number(divRoundHalfUp(parts.reduce<bigint>((a, b) => a + BigInt(b), 0n), BigInt(d)));
}

export interface PricingInput {
  mode: KeyMode;
  status: UsageStatus;
  originalInputTokens: number;
  compressedInputTokens: number;
  cachedInputTokens: number;
  /** prompt-cache writes (part of compressedInputTokens): 5-minute and 1-hour lifetime */
  cacheWriteTokens?: number;
  cacheWrite1hTokens?: number;
  outputTokens: number;
  /** did the upstream report usage (prompt_tokens) for this request */
  usageReported: boolean;
  upstreamCostUsd?: number;
}

export interface Pricing {
  savingsMicros: number;
  feeMicros: number;
  llmCostMicros: number;
  /** what the account owes for the request, before the balance cap */
  chargedMicros: number;
  priceKnown: boolean;
}

/**
 * Who pays what, by status (docs/billing.md "Charging rules"):
 * - ok: fee on measured savings; Router also pays the LLM cost.
 * - not_compressed, guard_reverted: no fee; Router pays the LLM cost.
 * - client_aborted: charged only for what the upstream reported — fee and LLM cost when it reported
 *   usage (or a cost), nothing when it reported nothing.
 * - upstream_error: no fee; Router pays an LLM cost only if the upstream reported one.
 * - invalid_request: nothing.
 * Unknown model (no price): no savings, no fee; Router pays OpenRouter's usage.cost when reported.
 */
export function priceRequest(input: PricingInput, price: ModelPrice | undefined, feeRate: number): Pricing {
  const reported = input.usageReported || input.upstreamCostUsd !== undefined;
  const feeApplies = input.status === 'ok' || (input.status === 'client_aborted' && input.usageReported);
  let costApplies: boolean;
  switch (input.status) {
    case 'ok':
    case 'not_compressed':
    case 'guard_reverted':
      costApplies = true;
      break;
    case 'client_aborted':
    case 'upstream_error':
      costApplies = reported;
      break;
    default:
      costApplies = false;
  }

  const savings = feeApplies ? savingsMicros(input.originalInputTokens, input.compressedInputTokens, price) : 0;
  const fee = feeMicros(savings, feeRate);
  let llmCost = 0;
  if (costApplies) {
    llmCost =
      input.upstreamCostUsd !== undefined && Number.isFinite(input.upstreamCostUsd) && input.upstreamCostUsd >= 0
        ? usdToMicros(input.upstreamCostUsd)
        : tableCostMicros(price, input.compressedInputTokens, input.cachedInputTokens, input.outputTokens, {
            ttl5m: input.cacheWriteTokens,
            ttl1h: input.cacheWrite1hTokens,
          });
  }
  const charged = input.mode === 'router' ? llmCost + fee : fee;
  return { savingsMicros: savings, feeMicros: fee, llmCostMicros: llmCost, chargedMicros: charged, priceKnown: price !== undefined };
}

/** Share of the input tokens that compression removed (0.4 = 40% smaller); 0 when nothing was saved. */
export function compressionRate(originalInputTokens: number, compressedInputTokens: number): number {
  if (originalInputTokens <= 0) return 0;
  return Math.max(0, originalInputTokens - compressedInputTokens) / originalInputTokens;
}
