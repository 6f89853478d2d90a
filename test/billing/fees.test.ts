// The fee arithmetic of DESIGN.md §5 with hand-computed examples, including every rounding rule.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  divRoundHalfUp,
  feeMicros,
  priceRequest,
  savingsMicros,
  tableCostMicros,
  usdToMicros,
  compressionRate,
  type PricingInput,
} from '../../src/billing/fees.js';
import { loadPriceTable, type ModelPrice } from '../../src/billing/prices.js';
import fc from 'fast-check';

const table = loadPriceTable();
const mini = table.lookup('gpt-4o-mini')!; // $0.15 in, $0.075 cached, $0.60 out per 1M tokens

describe('rounding primitives', () => {
  test('divRoundHalfUp rounds .5 up and everything else to nearest', () => {
    assert.equal(divRoundHalfUp(4n, 10n), 0n);
    assert.equal(divRoundHalfUp(5n, 10n), 1n);
    assert.equal(divRoundHalfUp(14n, 10n), 1n);
    assert.equal(divRoundHalfUp(15n, 10n), 2n);
    assert.equal(divRoundHalfUp(25n, 10n), 3n);
    assert.equal(divRoundHalfUp(0n, 7n), 0n);
  });

  test('usdToMicros is half-up on micro-dollars and immune to binary noise', () => {
    assert.equal(usdToMicros(0.0021), 2100);
    assert.equal(usdToMicros(0.0000125), 13); // 12.5 micros → 13
    assert.equal(usdToMicros(0.0000124), 12);
    assert.equal(usdToMicros(0.000123456), 123);
    assert.equal(usdToMicros(10), 10_000_000);
    assert.equal(usdToMicros(0), 0);
    assert.throws(() => usdToMicros(-1), RangeError);
  });
});

describe('savings and fee', () => {
  test('10,000 → 6,000 tokens on gpt-4o-mini saves 4,000 × $0.15/1M = 600 micros; fee 20% = 120', () => {
    assert.equal(savingsMicros(10_000, 6_000, mini), 600);
    assert.equal(feeMicros(600, 0.2), 120);
  });

  test('savings round half-up on micro-dollars', () => {
    assert.equal(savingsMicros(103, 100, mini), 0); // 3 × 0.15 = 0.45 micros → 0
    assert.equal(savingsMicros(104, 100, mini), 1); // 0.60 → 1
    assert.equal(savingsMicros(110, 100, mini), 2); // 10 × 0.15 = 1.5 → 2
    assert.equal(savingsMicros(100, 120, mini), 0); // compression grew the prompt: no savings
    assert.equal(savingsMicros(1000, 0, undefined), 0); // unknown price: no savings
  });

  test('fee rounds half-up on micro-dollars', () => {
    assert.equal(feeMicros(2, 0.2), 0); // 0.4 → 0
    assert.equal(feeMicros(3, 0.2), 1); // 0.6 → 1
    assert.equal(feeMicros(12, 0.2), 2); // 2.4 → 2
    assert.equal(feeMicros(13, 0.2), 3); // 2.6 → 3
    assert.equal(feeMicros(2, 0.25), 1); // 0.5 → 1 (half-up)
    assert.equal(feeMicros(6, 0.25), 2); // 1.5 → 2
    assert.equal(feeMicros(1_000_000, 0.2), 200_000);
    assert.throws(() => feeMicros(10, 1.5), RangeError);
  });

  test('claude-sonnet-4.5: 50,000 → 20,000 tokens saves 30,000 × $3/1M = $0.09; fee $0.018', () => {
    const p = table.lookup('anthropic/claude-sonnet-4.5');
    assert.equal(savingsMicros(50_000, 20_000, p), 90_000);
    assert.equal(feeMicros(90_000, 0.2), 18_000);
  });
});

describe('LLM cost from the table', () => {
  test('6,000 prompt tokens of which 1,000 cached, 500 output on gpt-4o-mini = 1,125 micros', () => {
    // 5,000 × 0.15 + 1,000 × 0.075 + 500 × 0.60 = 750 + 75 + 300 micros
    assert.equal(tableCostMicros(mini, 6_000, 1_000, 500), 1_125);
  });

  test('rounds the total once, half-up', () => {
    // 1 × 0.15 + 1 × 0.60 = 0.75 micros → 1
    assert.equal(tableCostMicros(mini, 1, 0, 1), 1);
    // 3 × 0.15 = 0.45 → 0
    assert.equal(tableCostMicros(mini, 3, 0, 0), 0);
    // cached larger than prompt is capped at the prompt
    assert.equal(tableCostMicros(mini, 1_000, 5_000, 0), 75);
  });

  test('Anthropic cache writes cost 1.25 × input (5-minute) and 2 × input (1-hour), exactly', () => {
    const sonnet = table.lookup('claude-sonnet-4-5')!; // $3 in, $0.30 cache read, $15 out
    // prompt 10,000 = 2,000 plain + 3,000 cache reads + 5,000 cache writes (5 min); 100 output:
    // 2,000 × 3 + 3,000 × 0.30 + 5,000 × 3.75 + 100 × 15 = 6,000 + 900 + 18,750 + 1,500 = 27,150 µ$
    assert.equal(tableCostMicros(sonnet, 10_000, 3_000, 100, { ttl5m: 5_000 }), 27_150);
    // (at the plain input rate it was 7,000 × 3 + 900 + 1,500 = 23,400)
    assert.equal(tableCostMicros(sonnet, 10_000, 3_000, 100), 23_400);
    // 1-hour writes: 1,000 × 6 = 6,000 µ$ instead of 3,000; mixed with 5-minute ones
    assert.equal(tableCostMicros(sonnet, 1_000, 0, 0, { ttl1h: 1_000 }), 6_000);
    assert.equal(tableCostMicros(sonnet, 3_000, 0, 0, { ttl5m: 1_000, ttl1h: 1_000 }), 3_000 + 3_750 + 6_000);
    // integer arithmetic, rounded once: at $0.40 / 1M one write is exactly 0.5 µ$ → 1 (half-up),
    // two 5-minute writes on gpt-4o-mini are 0.375 µ$ → 0, three 0.5625 → 1
    const p40: ModelPrice = { ...mini, inputPico: 400_000, cachedInputPico: 100_000, outputPico: 0 };
    assert.equal(tableCostMicros(p40, 1, 0, 0, { ttl5m: 1 }), 1);
    assert.equal(tableCostMicros(p40, 1, 0, 0), 0);
    assert.equal(tableCostMicros(mini, 2, 0, 0, { ttl5m: 2 }), 0);
    assert.equal(tableCostMicros(mini, 3, 0, 0, { ttl5m: 3 }), 1);
    // writes are capped at the prompt tokens that are not cache reads
    assert.equal(tableCostMicros(sonnet, 1_000, 400, 0, { ttl5m: 5_000 }), 400 * 0.3 + 600 * 3.75);
  });
});

describe('priceRequest: what each mode and status pays', () => {
  const base: PricingInput = {
    mode: 'byok',
    status: 'ok',
    originalInputTokens: 10_000,
    compressedInputTokens: 6_000,
    cachedInputTokens: 1_000,
    outputTokens: 500,
    usageReported: true,
  };

  test('BYOK pays the fee only', () => {
    const r = priceRequest(base, mini, 0.2);
    assert.deepEqual(r, { savingsMicros: 600, feeMicros: 120, llmCostMicros: 1_125, chargedMicros: 120, priceKnown: true });
  });

  test('Router pays the LLM cost plus the fee', () => {
    const r = priceRequest({ ...base, mode: 'router' }, mini, 0.2);
    assert.equal(r.chargedMicros, 1_125 + 120);
  });

  test("Router: OpenRouter's usage.cost wins over the table", () => {
    const r = priceRequest({ ...base, mode: 'router', upstreamCostUsd: 0.0021 }, mini, 0.2);
    assert.equal(r.llmCostMicros, 2_100);
    assert.equal(r.chargedMicros, 2_220);
  });

  test('guard reverted and not compressed: no fee, Router still pays the LLM', () => {
    for (const status of ['guard_reverted', 'not_compressed'] as const) {
      const byok = priceRequest({ ...base, status, compressedInputTokens: 10_000 }, mini, 0.2);
      assert.equal(byok.feeMicros, 0);
      assert.equal(byok.chargedMicros, 0);
      const router = priceRequest({ ...base, status, mode: 'router', compressedInputTokens: 10_000, cachedInputTokens: 0, outputTokens: 0 }, mini, 0.2);
      assert.equal(router.chargedMicros, 1_500);
    }
  });

  test('upstream error: no fee; Router pays only a cost the upstream reported', () => {
    const silent = priceRequest({ ...base, mode: 'router', status: 'upstream_error', usageReported: false }, mini, 0.2);
    assert.equal(silent.chargedMicros, 0);
    const reported = priceRequest({ ...base, mode: 'router', status: 'upstream_error', usageReported: false, upstreamCostUsd: 0.0005 }, mini, 0.2);
    assert.equal(reported.feeMicros, 0);
    assert.equal(reported.chargedMicros, 500);
  });

  test('client aborted: charged for what the upstream reported, nothing when it reported nothing', () => {
    const nothing = priceRequest({ ...base, mode: 'router', status: 'client_aborted', usageReported: false }, mini, 0.2);
    assert.deepEqual([nothing.savingsMicros, nothing.feeMicros, nothing.llmCostMicros, nothing.chargedMicros], [0, 0, 0, 0]);
    const reported = priceRequest({ ...base, mode: 'router', status: 'client_aborted' }, mini, 0.2);
    assert.equal(reported.chargedMicros, 1_125 + 120);
  });

  test('invalid request: nothing', () => {
    const r = priceRequest({ ...base, mode: 'router', status: 'invalid_request' }, mini, 0.2);
    assert.equal(r.chargedMicros, 0);
  });

  test('unknown model: served, no savings and no fee; Router pays a reported cost', () => {
    const byok = priceRequest(base, undefined, 0.2);
    assert.deepEqual(byok, { savingsMicros: 0, feeMicros: 0, llmCostMicros: 0, chargedMicros: 0, priceKnown: false });
    const router = priceRequest({ ...base, mode: 'router', upstreamCostUsd: 0.001 }, undefined, 0.2);
    assert.equal(router.chargedMicros, 1_000);
  });

  test('compression rate is the share of input tokens removed', () => {
    assert.equal(compressionRate(10_000, 6_000), 0.4);
    assert.equal(compressionRate(0, 0), 0);
    assert.equal(compressionRate(100, 120), 0);
  });
});

describe('priceRequest with Anthropic cache writes', () => {
  test('Router pays the table cost with writes at 1.25 × input; the fee is on the savings only', () => {
    const sonnet = table.lookup('anthropic/claude-sonnet-4.5')!;
    const p = priceRequest(
      { mode: 'router', status: 'ok', originalInputTokens: 12_000, compressedInputTokens: 10_000, cachedInputTokens: 3_000, cacheWriteTokens: 5_000, outputTokens: 100, usageReported: true },
      sonnet,
      0.2,
    );
    // savings 2,000 × 3 = 6,000 µ$, fee 1,200; cost 27,150 (see above)
    assert.deepEqual(p, { savingsMicros: 6_000, feeMicros: 1_200, llmCostMicros: 27_150, chargedMicros: 28_350, priceKnown: true });
    // a reported OpenRouter cost still wins
    const reported = priceRequest(
      { mode: 'router', status: 'ok', originalInputTokens: 12_000, compressedInputTokens: 10_000, cachedInputTokens: 3_000, cacheWriteTokens: 5_000, outputTokens: 100, usageReported: true, upstreamCostUsd: 0.02 },
      sonnet,
      0.2,
    );
    assert.equal(reported.llmCostMicros, 20_000);
  });
});

describe('exactness beyond 2^53', () => {
  const pricey: ModelPrice = { ...mini, id: 'pricey', inputPico: 150_000_000, cachedInputPico: 75_000_000, outputPico: 600_000_000 };

  test('huge token counts fall back to bigint and stay exact', () => {
    // 10^12 tokens × $150 / 1M = $150,000,000 = 1.5 × 10^14 micro-dollars
    assert.equal(savingsMicros(1e12, 0, pricey), 150_000_000_000_000);
    assert.equal(tableCostMicros(pricey, 1e12, 0, 1e9), 150_000_000_000_000 + 600_000_000_000);
    // 10^12 5-minute cache writes at $187.50 / 1M
    assert.equal(tableCostMicros(pricey, 1e12, 0, 0, { ttl5m: 1e12 }), 187_500_000_000_000);
  });

  test('the number fast path agrees with exact bigint arithmetic', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5_000_000 }), fc.integer({ min: 0, max: 5_000_000 }), fc.integer({ min: 0, max: 200_000_000 }), (orig, comp, pico) => {
        const price = { ...mini, inputPico: pico };
        const saved = BigInt(Math.max(0, orig - comp));
        const exact = Number(divRoundHalfUp(saved * BigInt(pico), 1_000_000n));
        assert.equal(savingsMicros(orig, comp, price), exact);
        assert.equal(feeMicros(exact, 0.2), Number(divRoundHalfUp(BigInt(exact) * 200_000n, 1_000_000n)));
      }),
      { numRuns: 2000 },
    );
  });
});
