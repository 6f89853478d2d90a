// The hand-written o200k pre-tokenizer for ASCII text (src/compress/o200k-split.ts) cuts exactly where
// gpt-tokenizer's own regex cuts: every piece boundary, on random ASCII (every character 0–127, and
// strings built from the characters the alternatives turn on), and so the exact counts stay exact.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import o200kApi, { countTokens as o200kCount } from 'gpt-tokenizer/encoding/o200k_base';
import { asciiOnly, O200K_SPLIT_SOURCE, o200kPieceEnd } from '../../src/compress/o200k-split.js';
import { countWith } from '../../src/compress/tokens.js';

// the library's own pre-tokenizer (an internal field: tokens.ts reads it the same way)
const core = (o200kApi as unknown as { bytePairEncodingCoreProcessor: { tokenSplitRegex: RegExp } }).bytePairEncodingCoreProcessor;
const regex = new RegExp(core.tokenSplitRegex.source, 'uy');

function byRegex(text: string): string[] {
  const out: string[] = [];
  regex.lastIndex = 0;
  let start = 0;
  while (start < text.length && regex.test(text)) {
    out.push(text.slice(start, regex.lastIndex));
    start = regex.lastIndex;
  }
  return out;
}

function byScan(text: string): string[] {
  const out: string[] = [];
  for (let start = 0; start < text.length; ) {
    const end = o200kPieceEnd(text, start, text.length);
    out.push(text.slice(start, end));
    start = end;
  }
  return out;
}

const anyAscii = fc.array(fc.integer({ min: 0, max: 127 }), { maxLength: 40 }).map((codes) => String.fromCharCode(...codes));
// the characters and runs the alternatives turn on: case, digits, every kind of white space,
// contractions, punctuation before letters, "/" after punctuation
const parts = ['a', 'b', 'Z', 'Q', 'LL', 'VE', 's', 'e', '0', '7', '123', ' ', '  ', '\n', '\r\n', '\t', '\v', '\f', '.', ',', "'", "'s", "'S", "'ll", "'Re", "'ve", "'d", "'m", "'t", '/', '-', '"', '{', '_', '\x00', '\x7f'];
const shaped = fc.array(fc.constantFrom(...parts), { maxLength: 30 }).map((a) => a.join(''));

describe('o200k pre-tokenizer for ASCII', () => {
  test('stands for the installed library\'s pattern (tokens.ts uses it only then)', () => {
    assert.equal(core.tokenSplitRegex.source, O200K_SPLIT_SOURCE);
  });

  test('cuts every random ASCII string where the library regex cuts it', () => {
    fc.assert(
      fc.property(fc.oneof(anyAscii, shaped), (text) => {
        assert.deepEqual(byScan(text), byRegex(text));
      }),
      { numRuns: 20_000 },
    );
  });

  test('cases each alternative decides', () => {
    const cases: Array<[string, string[]]> = [
      ["I'm HTTPServer's v2.0", ["I'm", " HTTPServer's", ' v', '2', '.', '0']],
      ['x  = 1234', ['x', ' ', ' =', ' ', '123', '4']],
      ['a.\n\n  b', ['a', '.\n\n', ' ', ' b']],
      ['end   ', ['end', '   ']],
      ['  \n \n x', ['  \n \n', ' x']],
      ['"//path"/x', ['"//', 'path', '"/', 'x']],
      ["DON'T", ["DON'T"]],
    ];
    for (const [text, pieces] of cases) {
      assert.deepEqual(byRegex(text), pieces, `the regex itself: ${JSON.stringify(text)}`);
      assert.deepEqual(byScan(text), pieces, JSON.stringify(text));
    }
  });

  test('text with any non-ASCII character is left to the regex; counts equal the library\'s either way', () => {
    assert.equal(asciiOnly('plain text, 42 items'), true);
    assert.equal(asciiOnly('naïve'), false);
    assert.equal(asciiOnly('\u00a0'), false);
    const plain = { disallowedSpecial: new Set<string>() };
    for (const t of ['The quick brown fox; it\'s 3:15 PM.\n', 'naïve café — 日本語 text', '{"id": 12, "name": "x"}']) {
      assert.equal(countWith('o200k', t), o200kCount(t, plain), t);
    }
  });
});
