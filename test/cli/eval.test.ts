import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.js';

const AGGREGATE_KEYS = [
  'original_tokens',
  'compressed_tokens',
  'reduction',
  'answer_retention',
  'must_keep_retention',
  'json_validity',
  'determinism',
  'causal_stability',
  'median_ms',
  'tokens_per_second',
];

const prose =
  'The committee met on 12 March 2024 in Geneva. Basically, it was really just a very long meeting. ' +
  'The budget of 4.5 million EUR was approved without objection. ';
const cases = [
  {
    id: 'q1',
    kind: 'qa',
    messages: [
      { role: 'system', content: 'Answer from the context.' },
      { role: 'user', content: `${prose.repeat(4)}\n\nWhen did the committee meet?` },
    ],
    question: 'When did the committee meet?',
    answers: ['12 March 2024'],
    must_keep: ['4.5 million EUR'],
  },
  {
    id: 'j1',
    kind: 'json_tool_output',
    messages: [
      { role: 'user', content: 'List the repos.' },
      { role: 'assistant', content: 'Calling the API.' },
      {
        role: 'tool',
        content: JSON.stringify(
          Array.from({ length: 30 }, (_, i) => ({ id: 1000 + i, name: `repo-${i}`, stars: i * 7, archived: i % 5 === 0 })),
          null,
          2,
        ),
      },
      { role: 'user', content: 'Which repo has id 1017?' },
    ],
    question: 'Which repo has id 1017?',
    answers: ['repo-17'],
    must_keep: ['1017'],
  },
  {
    id: 'n1',
    kind: 'brand_new_kind',
    messages: [
      { role: 'user', content: 'Look at this.' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: '{"ok": true}' },
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'text', text: 'Nothing to see here.' },
        ],
      },
    ],
    question: null,
    answers: [],
    must_keep: [],
  },
];

describe('opencompress eval (end to end)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'oc-eval-'));
    writeFileSync(join(dir, 'a.jsonl'), `${cases.slice(0, 2).map((c) => JSON.stringify(c)).join('\n')}\n`);
    writeFileSync(join(dir, 'b.jsonl'), `${JSON.stringify(cases[2])}\n`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('--json prints exactly one object of the README shape', () => {
    const r = runCli(['eval', '--data', dir, '--json', '--runs', '1']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(report), ['level', 'cases', 'overall', 'by_kind', 'failures']);
    assert.equal(report.level, 'balanced');
    assert.equal(report.cases, 3);
    assert.deepEqual(Object.keys(report.overall), AGGREGATE_KEYS);
    assert.deepEqual(Object.keys(report.by_kind).sort(), ['brand_new_kind', 'json_tool_output', 'qa']);
    for (const k of Object.values(report.by_kind) as Array<Record<string, unknown>>) {
      assert.deepEqual(Object.keys(k), ['cases', ...AGGREGATE_KEYS]);
    }
    assert.ok(Array.isArray(report.failures));
    for (const f of report.failures) assert.deepEqual(Object.keys(f), ['id', 'lost_answers', 'lost_must_keep', 'invalid_json']);
    assert.equal(report.overall.determinism, 1);
    assert.equal(report.overall.causal_stability, 1);
    assert.ok(report.overall.compressed_tokens <= report.overall.original_tokens);
  });

  test('level off keeps everything and saves nothing', () => {
    const r = runCli(['eval', '--data', dir, '--level', 'off', '--json', '--runs', '1']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.level, 'off');
    assert.equal(report.overall.reduction, 0);
    assert.equal(report.overall.answer_retention, 1);
    assert.equal(report.overall.must_keep_retention, 1);
    assert.equal(report.overall.json_validity, 1);
    assert.deepEqual(report.failures, []);
  });

  test('the table has a row per kind and an overall row; --kind filters', () => {
    const r = runCli(['eval', '--data', dir, '--level', 'lossless', '--kind', 'qa,brand_new_kind', '--runs', '1', '--clock', 'wall']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /level lossless, 2 cases/);
    assert.match(r.stdout, /^qa\s+1\s/m);
    assert.match(r.stdout, /^brand_new_kind\s+1\s/m);
    assert.match(r.stdout, /^overall\s+2\s/m);
    assert.doesNotMatch(r.stdout, /json_tool_output/);
  });

  test('--verbose writes one line per case to stderr, stdout stays one JSON object', () => {
    const r = runCli(['eval', '--data', dir, '--json', '--verbose', '--target-ratio', '0.5', '--runs', '1']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.target_ratio, 0.5);
    for (const id of ['q1', 'j1', 'n1']) assert.match(r.stderr, new RegExp(`^${id} \\[`, 'm'));
  });

  test('bad arguments and bad data give a clear message and a non-zero exit', () => {
    const missing = runCli(['eval', '--data', join(dir, 'nope')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /data directory not found/);
    const noData = runCli(['eval']);
    assert.equal(noData.code, 2);
    assert.match(noData.stderr, /--data DIR is required/);
    const badLevel = runCli(['eval', '--data', dir, '--level', 'extreme']);
    assert.equal(badLevel.code, 2);
    assert.match(badLevel.stderr, /--level must be one of/);
    const badClock = runCli(['eval', '--data', dir, '--clock', 'sundial']);
    assert.equal(badClock.code, 2);
    assert.match(badClock.stderr, /--clock must be cpu or wall/);
    const badRatio = runCli(['eval', '--data', dir, '--target-ratio', '2']);
    assert.equal(badRatio.code, 2);
    assert.match(badRatio.stderr, /--target-ratio/);

    const broken = mkdtempSync(join(tmpdir(), 'oc-eval-bad-'));
    try {
      writeFileSync(join(broken, 'x.jsonl'), `${JSON.stringify(cases[0])}\n{"id": "oops",\n`);
      const r = runCli(['eval', '--data', broken]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /x\.jsonl:2: invalid JSON/);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });

  test('--help', () => {
    const r = runCli(['eval', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--data DIR/);
  });
});
