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
//             roundHalfUp((uncached_in × in + cached × cached_in + out × out_pico) / 1e6)
import type { KeyMode, UsageStatus } from './types.js';
import type { ModelPrice } from './prices.js';

const PICO_PER_MICRO = 1_000_000n;
const PPM = 1_000_000n;

/** n / d rounded half-up, for n ≥ 0, d > 0 (bigint, exact). */
export function divRoundHalfUp(n: bigint, d: bigint): bigint {
  if (n < 0n || d <= 0n) throw new RangeError('divRoundHalfUp expects n >= 0 and d > 0');
  return (n * 2n + d) / (d * 2n);
}

/** fee_rate (e.g. 0.2) as integer parts per million, rejecting rates outside [0, 1]. */
export function feeRatePpm(feeRate: number): bigint {
  if (!Number.isFinite(feeRate) || feeRate < 0 || feeRate > 1) throw new RangeError(`fee rate must be between 0 and 1, got ${feeRate}`);
  return BigInt(Math.round(feeRate * 1_000_000));
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

function tokens(n: number): bigint {
  if (!Number.isFinite(n) || n < 0) return 0n;
  return BigInt(Math.floor(n));
}

/** Input tokens the compression removed, priced at the model's input price, in micro-dollars. */
export function savingsMicros(originalInputTokens: number, compressedInputTokens: number, price: ModelPrice | undefined): number {
  if (!price) return 0;
  const saved = tokens(originalInputTokens) - tokens(compressedInputTokens);
  if (saved <= 0n) return 0;
  return Number(divRoundHalfUp(saved * BigInt(price.inputPico), PICO_PER_MICRO));
}

export function feeMicros(savings: number, feeRate: number): number {
  if (savings <= 0) return 0;
  return Number(divRoundHalfUp(BigInt(savings) * feeRatePpm(feeRate), PPM));
}

/**
 * The LLM's cost of a request from the table. `compressedInputTokens` is the upstream's
 * `prompt_tokens`, which (OpenAI semantics) includes the cached tokens: those are priced at the
 * cached rate and the rest at the input rate.
 */
export function tableCostMicros(
  price: ModelPrice | undefined,
  compressedInputTokens: number,
  cachedInputTokens: number,
  outputTokens: number,
): number {
  if (!price) return 0;
  const input = tokens(compressedInputTokens);
  let cached = tokens(cachedInputTokens);
  if (cached > input) cached = input;
  const pico = (input - cached) * BigInt(price.inputPico) + cached * BigInt(price.cachedInputPico) + tokens(outputTokens) * BigInt(price.outputPico);
  return Number(divRoundHalfUp(pico, PICO_PER_MICRO));
}

export interface PricingInput {
  mode: KeyMode;
  status: UsageStatus;
  originalInputTokens: number;
  compressedInputTokens: number;
  cachedInputTokens: number;
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
        : tableCostMicros(price, input.compressedInputTokens, input.cachedInputTokens, input.outputTokens);
  }
  const charged = input.mode === 'router' ? llmCost + fee : fee;
  return { savingsMicros: savings, feeMicros: fee, llmCostMicros: llmCost, chargedMicros: charged, priceKnown: price !== undefined };
}

/** Share of the input tokens that compression removed (0.4 = 40% smaller); 0 when nothing was saved. */
export function compressionRate(originalInputTokens: number, compressedInputTokens: number): number {
  if (originalInputTokens <= 0) return 0;
  return Math.max(0, originalInputTokens - compressedInputTokens) / originalInputTokens;
}
