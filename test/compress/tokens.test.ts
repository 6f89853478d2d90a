import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { countTokens as o200kCount } from 'gpt-tokenizer/encoding/o200k_base';
import { countTokens as cl100kCount } from 'gpt-tokenizer/encoding/cl100k_base';
import { countTokens, tokenizerFor, estimateTokens } from '../../src/compress/index.js';
import { countWith } from '../../src/compress/tokens.js';
import { TokenCounter } from '../../src/compress/token-counter.js';

describe('tokens', () => {
  test('picks the tokenizer by model family', () => {
    for (const m of ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-5', 'o3-mini', 'o1', 'openai/gpt-4o', 'gpt-oss-120b']) {
      assert.equal(tokenizerFor(m), 'o200k', m);
    }
    for (const m of ['gpt-4', 'gpt-4-turbo', 'gpt-4-0613', 'gpt-3.5-turbo', 'text-embedding-3-small']) {
      assert.equal(tokenizerFor(m), 'cl100k', m);
    }
    for (const m of ['anthropic/claude-sonnet-4.5', 'llama-3.1-70b', 'mistral/mistral-large']) {
      assert.equal(tokenizerFor(m), 'estimate', m);
    }
    assert.equal(tokenizerFor(undefined), 'o200k');
  });

  test('counts exactly for OpenAI models and never throws on special-token text', () => {
    assert.equal(countTokens('hello world'), 2);
    assert.ok(countTokens('say <|endoftext|> please', 'gpt-4o') > 3);
    assert.ok(countTokens('say <|endoftext|> please', 'gpt-4') > 3);
    assert.equal(countTokens(''), 0);
  });

  test('a huge run of one character is counted in slices (BPE is quadratic in a piece)', () => {
    const n = countTokens('='.repeat(100_000));
    assert.ok(n > 0 && n <= 100_000, String(n));
    assert.equal(countTokens('a = b'), 3);
  });

  test('estimate: ASCII/4 plus non-ASCII/1.5, rounded up', () => {
    assert.equal(estimateTokens('abcdefgh'), 2);
    assert.equal(estimateTokens('日本語'), 2);
    assert.equal(countTokens('abcdefgh', 'claude-3-haiku'), 2);
  });
});

describe('TokenCounter (line chunks, memo per request)', () => {
  const lib = {
    o200k: (t: string) => o200kCount(t, { disallowedSpecial: new Set<string>() }),
    cl100k: (t: string) => cl100kCount(t, { disallowedSpecial: new Set<string>() }),
  };
  // the characters that decide whether a cut after a newline is exact
  const pieces = ['\n', '\n\n', ' ', '  ', '\t', '\r\n', '/', '//', '.', ',', "'s", "'", 'a', 'Word', 'WORD', '12', '1234', 'é', '日本', '\u00a0', '\u0301', '{', '"', '-', '<|endoftext|>', '😀', '\ud800'];
  const text = fc.array(fc.constantFrom(...pieces), { maxLength: 60 }).map((a) => a.join(''));

  test('counts exactly what the library counts, also when chunks repeat', () => {
    for (const tk of ['o200k', 'cl100k'] as const) {
      const counter = new TokenCounter(tk);
      fc.assert(
        fc.property(text, text, (a, b) => {
          assert.equal(counter.count(a), lib[tk](a));
          assert.equal(counter.count(a + '\n' + b), lib[tk](a + '\n' + b));
          assert.equal(countWith(tk, b), lib[tk](b));
        }),
        { numRuns: 400 },
      );
    }
  });

  test('long runs are sliced as countWith slices them; the estimate is not chunked', () => {
    const t = 'intro line\n' + '='.repeat(1000) + '\nnext line\n' + 'x'.repeat(300);
    assert.equal(new TokenCounter('o200k').count(t), countWith('o200k', t));
    // runs of one class (also non-ASCII letters, digits) are sliced; minified JSON is not a run
    const sliced = (run: string): number => {
      let n = 0;
      for (let k = 0; k < run.length; k += 64) n += lib.o200k(run.slice(k, k + 64));
      return n;
    };
    for (const run of ['é'.repeat(300), '1'.repeat(300), 'ab'.repeat(200), '=-'.repeat(150)]) {
      assert.equal(countWith('o200k', 'x ' + run), lib.o200k('x ') + sliced(run));
    }
    const json = JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ id: i, name: `n${i}` })));
    assert.equal(countWith('o200k', json), lib.o200k(json));
    const e = 'abc\ndef\nghi';
    assert.equal(new TokenCounter('estimate').count(e), estimateTokens(e));
  });
});
