// The Playground's word diff (web/src/diff.ts): the text is rebuilt exactly, and whitespace is
// never part of a highlight's edges — no highlighted blank line after a rewritten block, no
// struck-through indentation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffTexts, type Segment } from '../../web/src/diff.js';

const join = (s: Segment[]) => s.map((x) => x.text).join('');

function assertClean(segs: Segment[]) {
  for (const s of segs) if (s.changed) assert.equal(s.text, s.text.trim(), `highlight with edge whitespace: ${JSON.stringify(s.text)}`);
  for (let i = 1; i < segs.length; i++) assert.notEqual(segs[i].changed, segs[i - 1].changed, 'neighbouring segments alternate');
}

test('a rewritten block followed by a blank line: the blank line is not highlighted', () => {
  const original = 'Orders:\n[\n  {\n    "id": 1,\n    "status": "shipped"\n  }\n]\n\nWhich were refunded?';
  const compressed = 'Orders:\n{"$table":["id","status"],"rows":[[1,"shipped"]]}\n\nWhich were refunded?';
  const d = diffTexts(original, compressed);
  assert.equal(join(d.original), original);
  assert.equal(join(d.compressed), compressed);
  assertClean(d.original);
  assertClean(d.compressed);
  assert.deepEqual(
    d.compressed.filter((s) => s.changed).map((s) => s.text),
    ['{"$table":["id","status"],"rows":[[1,"shipped"]]}'],
  );
  // removed JSON: each line struck through on its own, indentation and line breaks left plain
  assert.ok(d.original.filter((s) => s.changed).every((s) => !s.text.includes('\n')));
  assert.ok(d.original.some((s) => s.changed && s.text === '"id": 1,'), 'words on one line form one highlight');
});

test('removed words inside a sentence: one highlight, spaces around it plain', () => {
  const d = diffTexts('I basically just wanted to ask', 'I wanted to ask');
  assert.deepEqual(d.original, [
    { text: 'I ', changed: false },
    { text: 'basically just', changed: true },
    { text: ' wanted to ask', changed: false },
  ]);
  assert.deepEqual(d.compressed, [{ text: 'I wanted to ask', changed: false }]);
});

test('whitespace-only changes and line mode keep the text exact', () => {
  const a = '  leading\n\n\ntrailing  \n';
  const b = 'leading\ntrailing\n';
  const d = diffTexts(a, b);
  assert.equal(join(d.original), a);
  assert.equal(join(d.compressed), b);
  assertClean(d.original);
  assertClean(d.compressed);
  // large enough to fall back to line tokens (over 3M word cells, under 3M line cells)
  const big = Array.from({ length: 800 }, (_, i) => `    line ${i} with some words`).join('\n');
  const bigB = big.replace(/ {4}line 7/g, 'L7');
  const l = diffTexts(big, bigB);
  assert.equal(join(l.original), big);
  assert.equal(join(l.compressed), bigB);
  assertClean(l.original);
  assertClean(l.compressed);
  assert.ok(l.original.some((s) => s.changed && s.text.startsWith('line 7')), 'line mode highlights the changed lines, without their indentation');
});
