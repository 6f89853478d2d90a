// The harness's arithmetic, checked with small hand-written compressors whose effect is known, so
// every expected figure below can be computed by hand.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage, CompressOptions, CompressResult } from '../../src/compress/types.js';
import { parseCases, runEval, type Compressor, type EvalCase } from '../../src/eval/index.js';
import { o200kTokens } from '../../src/eval/tokens.js';

const stats = (options: CompressOptions): CompressResult['stats'] => ({
  originalTokens: 0,
  compressedTokens: 0,
  savedTokens: 0,
  ratio: 1,
  tokenizer: 'o200k',
  level: options.level ?? 'balanced',
  ms: 0,
  messages: [],
});

/** A compressor that applies `edit` to every string content of user/tool messages. */
function editing(edit: (text: string) => string): Compressor {
  return (messages, options) => ({
    messages: messages.map((m) =>
      typeof m.content === 'string' && m.role !== 'system' ? { ...m, content: edit(m.content) } : m,
    ),
    stats: stats(options),
  });
}
const identity = editing((t) => t);

function cases(...objs: object[]): EvalCase[] {
  return parseCases(objs.map((o) => JSON.stringify(o)).join('\n'), 'fixture.jsonl');
}

const paris = {
  id: 'paris',
  kind: 'qa',
  messages: [
    { role: 'system', content: 'Answer briefly.' },
    { role: 'user', content: 'The tower stands in Paris.  It opened in\n1889 and is 330 metres tall. Where and when?' },
  ],
  question: 'Where and when?',
  answers: ['PARIS', 'opened in 1889'],
  must_keep: ['330 metres', 'tower', 'Answer briefly.', 'missing-everywhere'],
};

describe('eval metrics', () => {
  test('identity: nothing lost, no reduction, everything stable', () => {
    const { report } = runEval(cases(paris), { compress: identity, options: { level: 'off' }, runs: 1 });
    assert.equal(report.level, 'off');
    assert.equal(report.cases, 1);
    assert.equal(report.overall.reduction, 0);
    assert.equal(report.overall.answer_retention, 1); // case-insensitive, whitespace collapsed
    assert.equal(report.overall.must_keep_retention, 0.75); // 'missing-everywhere' is in no message
    assert.equal(report.overall.determinism, 1);
    assert.equal(report.overall.causal_stability, 1);
    const tokens = o200kTokens(paris.messages[0].content) + o200kTokens(paris.messages[1].content);
    assert.equal(report.overall.original_tokens, tokens);
    assert.equal(report.overall.compressed_tokens, tokens);
  });

  test('losing one of two answers gives answer retention 0.5 and lists it', () => {
    const dropParis = editing((t) => t.replace('Paris', 'the city'));
    const { report, results } = runEval(cases(paris), { compress: dropParis, options: {}, runs: 1 });
    assert.equal(report.level, 'balanced');
    assert.equal(report.overall.answer_retention, 0.5);
    assert.deepEqual(results[0].lostAnswers, ['PARIS']);
    assert.deepEqual(results[0].absentMustKeep, ['missing-everywhere']);
    assert.deepEqual(report.failures, [
      { id: 'paris', lost_answers: ['PARIS'], lost_must_keep: ['missing-everywhere'], invalid_json: false },
    ]);
  });

  test('only white space and case are normalised', () => {
    const c = { ...paris, answers: ['opened in 1889', 'opened  in  1889 '], must_keep: ['330 metres'] };
    const punct = editing((t) => t.replace('330 metres', '330 metres.').replace('opened in\n1889', 'opened-in 1889'));
    const { report } = runEval(cases(c), { compress: punct, options: {}, runs: 1 });
    assert.equal(report.overall.answer_retention, 0);
    assert.equal(report.overall.must_keep_retention, 1);
  });

  test('reduction is token-weighted, retention case-averaged over cases that have answers', () => {
    const long = { id: 'long', kind: 'logs', messages: [{ role: 'tool', content: 'x '.repeat(300) }], answers: [], must_keep: [] };
    const halve = editing((t) => (t.startsWith('x ') ? 'x '.repeat(150) : t.replace('Paris', '')));
    const { report } = runEval(cases(paris, long), { compress: halve, options: {}, runs: 1 });
    const before = report.overall.original_tokens;
    const after = report.overall.compressed_tokens;
    assert.equal(report.overall.reduction, Math.round((1 - after / before) * 1e4) / 1e4);
    const logsReduction = 1 - o200kTokens('x '.repeat(150)) / o200kTokens('x '.repeat(300));
    assert.equal(report.by_kind.logs.reduction, Math.round(logsReduction * 1e4) / 1e4);
    assert.equal(report.by_kind.logs.answer_retention, 1); // no answers: nothing to lose
    assert.equal(report.overall.answer_retention, 0.5); // only the paris case has answers
    assert.deepEqual(Object.keys(report.by_kind), ['logs', 'qa']);
    assert.equal(report.by_kind.qa.cases, 1);
  });

  test('JSON validity: a JSON content that no longer parses fails the case', () => {
    const json = {
      id: 'json',
      kind: 'json_tool_output',
      messages: [
        { role: 'tool', content: '{"items": [1, 2, 3], "ok": true}' },
        { role: 'user', content: 'How many items?' },
      ],
      answers: [],
      must_keep: [],
    };
    const minify = editing((t) => (t.startsWith('{') ? JSON.stringify(JSON.parse(t)) : t));
    assert.equal(runEval(cases(json), { compress: minify, options: {}, runs: 1 }).report.overall.json_validity, 1);
    const truncate = editing((t) => (t.startsWith('{') ? t.slice(0, 10) : t));
    const { report } = runEval(cases(json, paris), { compress: truncate, options: {}, runs: 1 });
    assert.equal(report.overall.json_validity, 0); // the paris case has no JSON and does not count
    assert.equal(report.by_kind.qa.json_validity, 1);
    assert.deepEqual(report.failures[0], { id: 'json', lost_answers: [], lost_must_keep: [], invalid_json: true });
  });

  test('determinism: output that changes between runs is caught', () => {
    let calls = 0;
    const flaky = editing((t) => `${t}${calls++ % 2 ? ' ' : ''}`);
    const { report } = runEval(cases(paris), { compress: flaky, options: {}, runs: 3 });
    assert.equal(report.overall.determinism, 0);
  });

  test('causal stability: a message that depends on later messages is caught at the first k', () => {
    const peeking: Compressor = (messages: ChatMessage[], options) => ({
      messages: messages.map((m, i) => (i === 1 ? { ...m, content: `${m.content} (of ${messages.length})` } : m)),
      stats: stats(options),
    });
    const three = { ...paris, messages: [...paris.messages, { role: 'user', content: 'And the height?' }] };
    const { report, results } = runEval(cases(three), { compress: peeking, options: {}, runs: 1 });
    assert.equal(report.overall.causal_stability, 0);
    assert.equal(results[0].causalBreakAt, 2);
    assert.equal(report.overall.determinism, 1);
    const skipped = runEval(cases(three), { compress: peeking, options: {}, runs: 1, skipCausal: true });
    assert.equal(skipped.report.overall.causal_stability, 1);
  });

  test('an engine that throws is recorded, not fatal', () => {
    const broken: Compressor = () => {
      throw new Error('boom');
    };
    const { report, results } = runEval(cases(paris), { compress: broken, options: {}, runs: 1 });
    assert.equal(results[0].error, 'boom');
    assert.equal(report.overall.determinism, 0);
    assert.equal(report.overall.causal_stability, 0);
    assert.equal(report.overall.reduction, 0);
    assert.equal(report.overall.tokens_per_second, 0);
  });

  test('text parts of content arrays are measured, image parts are not', () => {
    const parts = {
      id: 'parts',
      kind: 'qa',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'https://example.com/Paris.png' } },
            { type: 'text', text: 'The answer is Paris.' },
          ],
        },
      ],
      answers: ['paris'],
      must_keep: ['example.com'],
    };
    const { report } = runEval(cases(parts), { compress: identity, options: {}, runs: 1 });
    assert.equal(report.overall.original_tokens, o200kTokens('The answer is Paris.'));
    assert.equal(report.overall.answer_retention, 1);
    assert.equal(report.overall.must_keep_retention, 0);
  });

  test('special-token text inside content is counted, not rejected', () => {
    assert.ok(o200kTokens('a <|endoftext|> b') > 3);
  });
});
