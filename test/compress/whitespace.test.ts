import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { whitespace, normalizeWhitespace } from '../../src/compress/transforms/whitespace.js';
import type { TransformContext } from '../../src/compress/types.js';

const ctx: TransformContext = { level: 'lossless', keep: 1, query: '', queryTerms: new Set(), role: 'user' };

describe('whitespace transform', () => {
  test('folds inner runs, trailing spaces and blank-line runs in prose', () => {
    const out = whitespace({ kind: 'prose', text: 'a  b\t\tc   \r\n\r\n\r\n\r\nd\u00a0e' }, ctx);
    assert.equal(out.text, 'a b c\n\nd e');
  });

  test('keeps indentation and inner spacing in code', () => {
    const src = 'def f():   \n    x  =  1\n\n\n\n    return x';
    assert.equal(normalizeWhitespace(src, true), 'def f():\n    x  =  1\n\n    return x');
    assert.equal(whitespace({ kind: 'code', text: src }, ctx).text, 'def f():\n    x  =  1\n\n    return x');
  });

  test('returns the same block when nothing changes', () => {
    const b = { kind: 'prose' as const, text: 'already tidy' };
    assert.equal(whitespace(b, ctx), b);
  });
});
