import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { findCamel, findDotted, findEmails, findNegationContractions, findSnake } from '../../src/compress/span-finders.js';

// each finder must return exactly what its regex (as written in protect.ts) returns
const PAIRS: Array<[string, (t: string) => string[] | null, RegExp]> = [
  ['snake_case', findSnake, /\b[A-Za-z0-9]{1,64}(?:_[A-Za-z0-9]{1,64}){1,16}\b/g],
  ['camelCase', findCamel, /\b[a-z]+[A-Z][A-Za-z0-9]*\b/g],
  ["n't", findNegationContractions, /\b\w+n't\b/gi],
  ['e-mail', findEmails, /\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\b/g],
  ['Foo.bar', findDotted, /\b[A-Za-z_$][\w$]{0,64}(?:\.[A-Za-z_$][\w$]{0,64}){1,16}(?:\(\))?/g],
];

const pieces = ['$', '()', '..', 'c'.repeat(65), 'a.b.c.d.e.f.g.h.i.', 'a', 'B', 'z', 'Q', '0', '9', '_', '__', '@', '.', '+', '-', ' ', '\n', "'", "n't", "N'T", 'é', 'fooBar', 'x_y', 'a.b', 'com', 'x'.repeat(40), '$', '(', 'an', 't', 'N'];
const text = fc.array(fc.constantFrom(...pieces), { maxLength: 50 }).map((a) => a.join(''));

describe('span finders', () => {
  for (const [name, find, re] of PAIRS) {
    test(`${name}: same matches as the regex`, () => {
      fc.assert(
        fc.property(fc.oneof(text, fc.string({ maxLength: 80 })), (t) => {
          re.lastIndex = 0;
          assert.deepEqual(find(t), t.match(re));
        }),
        { numRuns: 2000 },
      );
    });
  }

  test('examples', () => {
    assert.deepEqual(findEmails('mail a.b+c@ex-ample.co.uk, or x@y'), ['a.b+c@ex-ample.co.uk']);
    assert.deepEqual(findEmails('a@b.co@c.de'), ['a@b.co']);
    assert.deepEqual(findSnake('use max_retries, not _x or a__b'), ['max_retries']);
    assert.deepEqual(findCamel('call getUser(id) or get_userName'), ['getUser']);
    assert.deepEqual(findDotted('see os.path.join() and $x.y, not 3.14 or .hidden'), ['os.path.join()', 'x.y']);
    assert.deepEqual(findNegationContractions("It DOESN'T and won't, don'tcha"), ["DOESN'T", "won't"]);
  });
});
