import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaseFormatError, loadCases, parseCases } from '../../src/eval/cases.js';

const line = (o: unknown): string => JSON.stringify(o);
const base = { id: 'a', kind: 'qa', messages: [{ role: 'user', content: 'hi' }], question: 'q?', answers: ['hi'], must_keep: [] };

describe('eval case loading', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oc-cases-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('reads every *.jsonl file in name order, skips blank lines and a BOM, ignores other entries', () => {
    writeFileSync(join(dir, 'b.jsonl'), `${line({ ...base, id: 'b1' })}\n\n${line({ ...base, id: 'b2', kind: 'weird_new_kind' })}\n`);
    writeFileSync(join(dir, 'a.jsonl'), `\ufeff${line({ ...base, id: 'a1' })}\r\n`);
    mkdirSync(join(dir, 'sub.jsonl'));
    writeFileSync(join(dir, 'notes.txt'), 'not a case');
    const cases = loadCases(dir);
    assert.deepEqual(cases.map((c) => c.id), ['a1', 'b1', 'b2']);
    assert.equal(cases[2].kind, 'weird_new_kind');
    assert.deepEqual(cases[0].mustKeep, []);
    assert.equal(cases[1].origin, `${join(dir, 'b.jsonl')}:1`);
  });

  test('a malformed line is an error naming file:line', () => {
    assert.throws(() => parseCases(`${line(base)}\n{not json\n`, 'x.jsonl'), (err: Error) => {
      assert.ok(err instanceof CaseFormatError);
      assert.match(err.message, /^x\.jsonl:2: invalid JSON/);
      return true;
    });
    assert.throws(() => parseCases(line({ ...base, messages: [] }), 'y.jsonl'), /y\.jsonl:1: "messages" must be a non-empty array/);
    assert.throws(() => parseCases(line({ ...base, messages: [{ content: 'x' }] }), 'y.jsonl'), /messages\[0\]\.role/);
    assert.throws(() => parseCases(line({ ...base, answers: [1] }), 'y.jsonl'), /"answers"\[0\] must be a string/);
    assert.throws(() => parseCases('[1,2]', 'z.jsonl'), /z\.jsonl:1: a case must be a JSON object/);
  });

  test('missing fields get defaults: kind "unknown", no answers, id from file:line', () => {
    const [c] = parseCases(line({ messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] }), 'f.jsonl');
    assert.equal(c.kind, 'unknown');
    assert.equal(c.id, 'f.jsonl:1');
    assert.deepEqual(c.answers, []);
    assert.equal(c.question, null);
  });

  test('a missing directory or one without *.jsonl files is a clear error', () => {
    assert.throws(() => loadCases(join(dir, 'nope')), /data directory not found/);
    const empty = mkdtempSync(join(tmpdir(), 'oc-empty-'));
    try {
      assert.throws(() => loadCases(empty), /no \*\.jsonl files/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
