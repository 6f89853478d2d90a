import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { prose } from '../../src/compress/transforms/prose.js';
import { queryTerms } from '../../src/compress/query.js';
import { removeLowValueWords } from '../../src/compress/word-removal.js';
import { checkSpans } from '../../src/compress/guard.js';
import type { TransformContext } from '../../src/compress/types.js';

function ctx(query: string, level: 'lossless' | 'balanced' | 'aggressive' = 'balanced', keep = 0.45): TransformContext {
  return { level, keep, query, queryTerms: queryTerms(query), role: 'user' };
}

const filler = (i: number): string =>
  `Section ${'abcdefghijklmnopqrstuvwxyz'[i % 26]} describes how the committee reviewed general procedures, discussed scheduling at length and agreed to continue the conversation later.`;

describe('prose transform', () => {
  const doc = [
    ...Array.from({ length: 8 }, (_, i) => filler(i)),
    'The lighthouse on Skerry Point was automated in 1987 after the last keeper retired.',
    ...Array.from({ length: 8 }, (_, i) => filler(i + 8)),
  ].join(' ');

  test('keeps the sentence that answers the query and drops most of the rest', () => {
    const out = prose({ kind: 'prose', text: doc }, ctx('When was the lighthouse on Skerry Point automated?'));
    assert.match(out.text, /automated in 1987/);
    assert.ok(out.text.length < doc.length * 0.6, `kept ${out.text.length} of ${doc.length}`);
    assert.ok(out.omitted && out.omitted.length > 0);
    assert.ok(checkSpans(doc, out.text, out.omitted, []).ok);
  });

  test('does nothing at lossless', () => {
    const b = { kind: 'prose' as const, text: doc };
    assert.equal(prose(b, ctx('lighthouse', 'lossless', 1)), b);
  });

  test('removes exact duplicate sentences', () => {
    const rep = Array.from({ length: 12 }, () => 'The build failed because the cache volume was full again today.').join(' ');
    const out = prose({ kind: 'prose', text: rep + ' Unique closing remark about retention policies.' }, ctx('why did the build fail'));
    assert.equal(out.text.match(/The build failed/g)?.length, 1);
  });

  test('keeps speaker labels with the sentences it keeps', () => {
    const lines = [
      ...Array.from({ length: 12 }, (_, i) => `Designer: We talked about generic topics again, item ${'abcdefghijkl'[i]}, nothing decided yet.`),
      'Marketing: I propose rubber covers in five colours.',
      ...Array.from({ length: 12 }, () => 'Manager: Okay . Yeah .'),
    ].join('\n');
    const out = prose({ kind: 'prose', text: lines }, ctx('What did Marketing propose for the covers?'));
    assert.match(out.text, /^Marketing: I propose rubber covers in five colours\.$/m);
  });
});

describe('word removal', () => {
  const q = new Set<string>();
  test('drops fillers, annotations and stutters', () => {
    assert.equal(removeLowValueWords('Um, I think the the remote uh needs {vocalsound} a grip.', { aggressive: false, queryTerms: q }), 'I think the remote needs a grip.');
  });
  test('aggressive also drops hedges and intensifiers', () => {
    assert.equal(removeLowValueWords('It is basically just a very small change, you know.', { aggressive: true, queryTerms: q }), 'It is a small change.');
  });
  test('never drops negations, numbers, units, or words in quotes', () => {
    assert.equal(removeLowValueWords('It did not um work.', { aggressive: true, queryTerms: q }), 'It did not work.');
    assert.equal(removeLowValueWords('Use 5 um gallons.', { aggressive: true, queryTerms: q }), 'Use 5 um gallons.');
    assert.equal(removeLowValueWords('He said "um really just" ok.', { aggressive: true, queryTerms: q }), 'He said "um really just" ok.');
  });
});
