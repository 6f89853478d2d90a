import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { code } from '../../src/compress/transforms/code.js';
import type { TransformContext } from '../../src/compress/types.js';

const ctx: TransformContext = { level: 'aggressive', keep: 0.2, query: 'what does f do', queryTerms: new Set(['f']), role: 'user' };

describe('code transform', () => {
  test('touches only trailing white space and blank-line runs, even at aggressive', () => {
    const src = '# a comment   \nfunction f(a,  b) {\t\n\n\n\n  return a  +  b; // sum\n}';
    const out = code({ kind: 'code', text: src }, ctx);
    assert.equal(out.text, '# a comment\nfunction f(a,  b) {\n\n  return a  +  b; // sum\n}');
  });

  test('never grows the text', () => {
    const b = { kind: 'code' as const, text: 'x = 1' };
    assert.equal(code(b, ctx), b);
  });
});
