import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { countTokens, tokenizerFor, estimateTokens } from '../../src/compress/index.js';

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
