import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { resolveBudget, LEVEL_KEEP } from '../../src/compress/budget.js';

describe('budget', () => {
  test('levels map to fixed shares; balanced is the default', () => {
    assert.equal(resolveBudget({}).level, 'balanced');
    assert.equal(resolveBudget({}).keepFor(100, 100), LEVEL_KEEP.balanced);
    assert.equal(resolveBudget({ level: 'lossless' }).keepFor(100, 100), 1);
    assert.ok(LEVEL_KEEP.aggressive < LEVEL_KEEP.balanced);
  });

  test('targetRatio overrides the level; off wins over a target', () => {
    const b = resolveBudget({ level: 'lossless', targetRatio: 0.3 });
    assert.equal(b.label, 'target');
    assert.equal(b.level, 'aggressive');
    assert.equal(b.keepFor(10, 10), 0.3);
    assert.equal(resolveBudget({ level: 'off', targetRatio: 0.3 }).level, 'off');
  });

  test('targetTokens is a causal share of the tokens so far', () => {
    const b = resolveBudget({ targetTokens: 500 });
    assert.equal(b.keepFor(100, 400), 1);
    assert.equal(b.keepFor(1000, 2000), 0.25);
    assert.equal(b.keepFor(1000, 1_000_000), 0.05);
  });

  test('invalid values fall back to the defaults', () => {
    assert.equal(resolveBudget({ level: 'max' as never, targetRatio: -1, targetTokens: NaN }).label, 'balanced');
  });
});
