// The price table: coverage of the required providers, name normalisation, PRICES_FILE overrides.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPriceTable } from '../../src/billing/prices.js';

const table = loadPriceTable();
const dir = mkdtempSync(join(tmpdir(), 'oc-prices-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('built-in price table', () => {
  test('has a source and an as_of date', () => {
    assert.match(table.asOf, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(table.source.length > 20);
  });

  test('covers every required provider under native and OpenRouter names', () => {
    const pairs: [string, string][] = [
      ['gpt-4o-mini', 'openai/gpt-4o-mini'],
      ['claude-sonnet-4-5', 'anthropic/claude-sonnet-4.5'],
      ['gemini-2.5-flash', 'google/gemini-2.5-flash'],
      ['llama-3.3-70b-instruct', 'meta-llama/llama-3.3-70b-instruct'],
      ['mistral-large-latest', 'mistralai/mistral-large'],
      ['deepseek-chat', 'deepseek/deepseek-chat'],
      ['grok-4', 'x-ai/grok-4'],
      ['qwen-max', 'qwen/qwen-max'],
    ];
    for (const [native, openrouter] of pairs) {
      assert.ok(table.lookup(native), `missing ${native}`);
      assert.ok(table.lookup(openrouter), `missing ${openrouter}`);
    }
    for (const m of ['gpt-4o', 'gpt-4.1-mini', 'gpt-5', 'o3', 'anthropic/claude-opus-4.5', 'anthropic/claude-haiku-4.5', 'google/gemini-2.5-pro', 'x-ai/grok-3-mini', 'qwen/qwen3-235b-a22b']) {
      assert.ok(table.lookup(m), `missing ${m}`);
    }
  });

  test('current chat models under native and OpenRouter names, at their list prices (input / output per 1M)', () => {
    const expected: [string[], number, number][] = [
      [['mistral-large-2512', 'mistralai/mistral-large-2512'], 0.5, 1.5],
      [['devstral-medium-2507', 'devstral-medium-latest', 'mistralai/devstral-medium'], 0.4, 2],
      [['devstral-small-2507', 'devstral-small-latest', 'mistralai/devstral-small'], 0.1, 0.3],
      [['qwen3-30b-a3b', 'qwen/qwen3-30b-a3b'], 0.08, 0.29],
      [['qwen3-next-80b-a3b-instruct', 'qwen/qwen3-next-80b-a3b-instruct'], 0.09, 1.1],
      [['qwen-flash', 'qwen/qwen-flash', 'qwen-flash-2025-07-28'], 0.05, 0.4],
      [['qwen3-vl-235b-a22b-instruct', 'qwen/qwen3-vl-235b-a22b-instruct'], 0.2, 0.88],
      [['deepseek-v3.1-terminus', 'deepseek/deepseek-v3.1-terminus'], 0.23, 0.9],
      [['gemini-2.5-flash-preview-09-2025', 'google/gemini-2.5-flash-preview-09-2025', 'gemini-flash-latest', 'gemini-2.5-flash'], 0.3, 2.5],
      [['gemini-2.5-flash-lite-preview-09-2025', 'google/gemini-2.5-flash-lite-preview-09-2025', 'gemini-flash-lite-latest', 'gemini-2.5-flash-lite'], 0.1, 0.4],
      [['Llama-4-Maverick-17B-128E-Instruct-FP8', 'meta-llama/llama-4-maverick'], 0.15, 0.6],
      [['chatgpt-4o-latest', 'openai/chatgpt-4o-latest'], 5, 15],
      [['gpt-4o', 'openai/gpt-4o'], 2.5, 10],
    ];
    for (const [names, input, output] of expected) {
      for (const name of names) {
        const p = table.lookup(name);
        assert.ok(p, `missing ${name}`);
        assert.deepEqual([p.inputUsdPerMTok, p.outputUsdPerMTok], [input, output], name);
      }
    }
    assert.notEqual(table.lookup('chatgpt-4o-latest')?.id, 'gpt-4o', 'chatgpt-4o-latest has its own entry');
  });

  test('gpt-4o-mini is $0.15 / $0.075 / $0.60 per 1M tokens, i.e. 150,000 pico per input token', () => {
    const p = table.lookup('gpt-4o-mini')!;
    assert.equal(p.inputUsdPerMTok, 0.15);
    assert.equal(p.cachedInputUsdPerMTok, 0.075);
    assert.equal(p.outputUsdPerMTok, 0.6);
    assert.equal(p.inputPico, 150_000);
    assert.equal(p.cachedInputPico, 75_000);
    assert.equal(p.outputPico, 600_000);
  });
});

describe('lookup normalisation', () => {
  test('case, provider prefixes and OpenRouter variants', () => {
    assert.equal(table.lookup('GPT-4o-Mini')?.id, 'gpt-4o-mini');
    assert.equal(table.lookup('azure/gpt-4o-mini')?.id, 'gpt-4o-mini');
    assert.equal(table.lookup('openai/gpt-4o-mini:nitro')?.id, 'gpt-4o-mini');
    assert.equal(table.lookup(' gpt-4o ')?.id, 'gpt-4o');
  });

  test('dated snapshots fall back to the undated entry, unless priced on their own', () => {
    assert.equal(table.lookup('gpt-4o-mini-2024-07-18')?.id, 'gpt-4o-mini');
    assert.equal(table.lookup('claude-sonnet-4-5-20250929')?.id, 'claude-sonnet-4-5');
    assert.equal(table.lookup('claude-3-5-haiku-20991231')?.id, 'claude-3-5-haiku');
    assert.equal(table.lookup('gpt-4o-2024-05-13')?.inputUsdPerMTok, 5);
    assert.equal(table.lookup('gpt-4o-2024-08-06')?.inputUsdPerMTok, 2.5);
  });

  test('a 4-digit (YYMM / MMDD) suffix is not stripped: only snapshots the table lists are priced', () => {
    // mistral-large-2512 is Mistral Large 3, priced differently from mistral-large ($2 / $6): it
    // must never fall back to it, and a future 4-digit snapshot is an unknown model (no fee).
    assert.notEqual(table.lookup('mistral-large-2512')?.id, 'mistral-large');
    assert.notEqual(table.lookup('mistralai/mistral-large-2512')?.id, 'mistral-large');
    for (const m of ['mistral-large-2607', 'gpt-4o-mini-0101', 'openai/gpt-4-9999', 'claude-sonnet-4-5-2601', 'grok-4-1231']) {
      assert.equal(table.lookup(m), undefined, m);
    }
    // 4-digit snapshots that do share a price are listed explicitly
    const same: [string, string][] = [
      ['gpt-4-0613', 'gpt-4'],
      ['gpt-4-0314', 'gpt-4'],
      ['gpt-3.5-turbo-0125', 'gpt-3.5-turbo'],
      ['gpt-4-1106-preview', 'gpt-4-turbo'],
      ['openai/gpt-4-0125-preview', 'gpt-4-turbo'],
      ['mistral-large-2411', 'mistral-large'],
      ['mistral-large-2407', 'mistral-large'],
      ['mistralai/mistral-large-2407', 'mistral-large'],
      ['mistral-medium-2508', 'mistral-medium-3'],
      ['mistral-small-2506', 'mistral-small-3.2'],
      ['codestral-2501', 'codestral'],
      ['magistral-medium-2509', 'magistral-medium'],
      ['magistral-small-2507', 'magistral-small'],
      ['ministral-8b-2410', 'ministral-8b'],
      ['pixtral-large-2411', 'pixtral-large'],
      ['open-mistral-nemo-2407', 'mistral-nemo'],
      ['grok-4-0709', 'grok-4'],
      ['deepseek-r1-0528', 'deepseek-r1'],
      ['deepseek/deepseek-r1-0528', 'deepseek-r1'],
    ];
    for (const [name, id] of same) assert.equal(table.lookup(name)?.id, id, name);
    // gpt-3.5-turbo-1106 is $1 / $2, not gpt-3.5-turbo's (0125) $0.50 / $1.50
    const t1106 = table.lookup('gpt-3.5-turbo-1106')!;
    assert.deepEqual([t1106.inputUsdPerMTok, t1106.outputUsdPerMTok], [1, 2]);
    // full dates still fall back
    assert.equal(table.lookup('gpt-4.1-2025-04-14')?.id, 'gpt-4.1');
    assert.equal(table.lookup('claude-3-5-haiku@20241022')?.id, 'claude-3-5-haiku');
  });

  test("Anthropic's 4-5 and OpenRouter's 4.5 are the same model", () => {
    assert.equal(table.lookup('claude-sonnet-4.5')?.id, 'claude-sonnet-4-5');
    assert.equal(table.lookup('anthropic/claude-sonnet-4-5')?.id, 'claude-sonnet-4-5');
    assert.equal(table.lookup('anthropic/claude-3.5-haiku')?.id, 'claude-3-5-haiku');
  });

  test('unknown models are undefined; :free variants cost nothing', () => {
    assert.equal(table.lookup('my-finetune-v7'), undefined);
    assert.equal(table.lookup('gpt-4o-mini-foo'), undefined);
    const free = table.lookup('meta-llama/llama-3.3-70b-instruct:free');
    assert.equal(free?.inputPico, 0);
  });
});

describe('PRICES_FILE override', () => {
  test('is merged on top: a new model, and a built-in one re-priced under all its names', () => {
    const file = join(dir, 'prices.json');
    writeFileSync(
      file,
      JSON.stringify({
        as_of: '2026-01-01',
        models: {
          'acme-1': { input: 1, output: 2, aliases: ['acme/acme-1'] },
          'gpt-4o-mini': { input: 0.2, cached_input: 0.1, output: 0.8, aliases: ['openai/gpt-4o-mini'] },
        },
      }),
    );
    const t = loadPriceTable(file);
    assert.equal(t.lookup('acme/acme-1')?.inputPico, 1_000_000);
    assert.equal(t.lookup('acme-1')?.cachedInputPico, 1_000_000, 'cached defaults to input');
    assert.equal(t.lookup('openai/gpt-4o-mini')?.inputUsdPerMTok, 0.2);
    assert.equal(t.lookup('gpt-4o-mini-2024-07-18')?.inputUsdPerMTok, 0.2);
    assert.equal(t.lookup('acme-1')?.asOf, '2026-01-01');
    assert.equal(t.lookup('gpt-4o')?.inputUsdPerMTok, 2.5, 'the rest of the built-in table stays');
  });

  test("an override of an entry re-prices every name the built-in entry answered to, plus the override's aliases", () => {
    const file = join(dir, 'no-aliases.json');
    writeFileSync(
      file,
      JSON.stringify({
        models: {
          // no aliases: must still re-price openai/gpt-4o-mini (a built-in alias) and the dated snapshot
          'gpt-4o-mini': { input: 0.2, cached_input: 0.1, output: 0.8 },
          // an alias the built-in entry did not have is added
          'claude-sonnet-4-5': { input: 4, output: 20, aliases: ['acme/sonnet'] },
          // keyed by a built-in alias (not an entry key): only that name is split off
          'gpt-4o-2024-11-20': { input: 3, output: 12 },
        },
      }),
    );
    const t = loadPriceTable(file);
    for (const name of ['gpt-4o-mini', 'openai/gpt-4o-mini', 'OpenAI/GPT-4o-Mini:nitro', 'gpt-4o-mini-2024-07-18']) {
      assert.equal(t.lookup(name)?.inputUsdPerMTok, 0.2, name);
      assert.equal(t.lookup(name)?.outputPico, 800_000, name);
    }
    for (const name of ['claude-sonnet-4-5', 'claude-sonnet-4.5', 'anthropic/claude-sonnet-4.5', 'claude-sonnet-4-5-20250929', 'acme/sonnet']) {
      assert.equal(t.lookup(name)?.inputUsdPerMTok, 4, name);
    }
    assert.equal(t.lookup('gpt-4o-2024-11-20')?.inputUsdPerMTok, 3);
    assert.equal(t.lookup('gpt-4o')?.inputUsdPerMTok, 2.5, 'the entry the split-off alias came from keeps its price');
    assert.equal(t.lookup('openai/gpt-4o')?.inputUsdPerMTok, 2.5);
    assert.equal(t.entries().filter((p) => p.id === 'gpt-4o-mini').length, 1, 'the old gpt-4o-mini price is gone from every name');
  });

  test('a bad file gets a clear error naming the file and the field', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ models: { x: { input: -1, output: 2 } } }));
    assert.throws(() => loadPriceTable(bad), /PRICES_FILE .*bad\.json.*models\.x\.input/);
    const typo = join(dir, 'typo.json');
    writeFileSync(typo, JSON.stringify({ models: { x: { inptu: 1, output: 2 } } }));
    assert.throws(() => loadPriceTable(typo), /PRICES_FILE .*typo\.json/);
    const notJson = join(dir, 'broken.json');
    writeFileSync(notJson, '{ nope');
    assert.throws(() => loadPriceTable(notJson), /not valid JSON/);
    assert.throws(() => loadPriceTable(join(dir, 'missing.json')), /cannot be read/);
  });
});
