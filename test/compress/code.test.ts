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

describe('code outline (aggressive)', () => {
  const fn = (name: string, body: string): string =>
    `def ${name}(x):\n    """Docstring of ${name}."""\n    total = 0\n    for i in range(x):\n        total += i * 2\n    ${body}\n    return total\n`;
  const file = ['import os', '', ...['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'].map((n) => fn(n, `log("${n}")`)), 'MAIN = 1'].join('\n');

  test('keeps every signature and the body of the function the query names', () => {
    const out = code({ kind: 'code', text: file }, { ...ctx, query: 'what does gamma do?', queryTerms: new Set(['gamma']) });
    for (const n of ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta']) assert.match(out.text, new RegExp(`def ${n}\\(x\\):`));
    assert.match(out.text, /log\("gamma"\)/);
    assert.doesNotMatch(out.text, /log\("beta"\)/);
    assert.match(out.text, /^import os$/m);
    assert.match(out.text, /^MAIN = 1$/m);
    assert.ok(out.omitted && out.omitted.length > 0);
    assert.ok(out.text.length < file.length / 2);
  });

  test('balanced keeps code whole', () => {
    const out = code({ kind: 'code', text: file }, { ...ctx, level: 'balanced', keep: 0.45 });
    assert.equal(out.text, file.trimEnd());
  });
});
