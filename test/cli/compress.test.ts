import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyInput } from '../../src/cli/compress.js';
import { runCli } from './run-cli.js';

const filler =
  'Well, basically, I think that the deployment on 2024-05-01 was really quite slow, you know. ' +
  'The service `api-gateway` returned error E1234 at https://status.example.com/incidents/42 for 17 minutes. ';
const request = {
  model: 'gpt-4o-mini',
  temperature: 0.2,
  tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
  messages: [
    { role: 'system', content: 'You   are   terse.' },
    { role: 'user', content: `${filler.repeat(6)}\n\nWhat error code did api-gateway return?` },
  ],
};

describe('opencompress compress (end to end)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'oc-compress-'));
    writeFileSync(join(dir, 'request.json'), JSON.stringify(request));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a request file: the whole request comes back with only the messages replaced', () => {
    const r = runCli(['compress', join(dir, 'request.json')]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.model, 'gpt-4o-mini');
    assert.equal(out.temperature, 0.2);
    assert.deepEqual(out.tools, request.tools);
    assert.equal(out.messages.length, 2);
    assert.deepEqual(out.messages[0], request.messages[0]); // system is never touched
    const text: string = out.messages[1].content;
    assert.ok(text.length <= request.messages[1].content.length);
    for (const kept of ['E1234', 'https://status.example.com/incidents/42', '`api-gateway`', 'What error code did api-gateway return?']) {
      assert.ok(text.includes(kept), `kept ${kept}`);
    }
  });

  test('stdin: a bare messages array comes back as an array; level off changes nothing', () => {
    const r = runCli(['compress', '-', '--level', 'off'], JSON.stringify(request.messages));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), request.messages);
  });

  test('plain text comes back as text', () => {
    const text = `${filler.repeat(3)}\nWhich service failed?`;
    const r = runCli(['compress'], text);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.trimStart().startsWith('{'));
    assert.ok(r.stdout.includes('E1234'));
    assert.ok(r.stdout.trim().length <= text.length);
  });

  test('--stats prints a per-message table on stderr, stdout unchanged in form', () => {
    const r = runCli(['compress', join(dir, 'request.json'), '--stats', '--level', 'lossless']);
    assert.equal(r.code, 0, r.stderr);
    JSON.parse(r.stdout);
    assert.match(r.stderr, /tokens \d+ → \d+ \([\d.]+% saved\), [\d.]+ ms/);
    assert.match(r.stderr, /role\s+before\s+after\s+transforms\s+guard/);
    assert.match(r.stderr, /^0\s+system\s/m);
    assert.match(r.stderr, /^1\s+user\s/m);
  });

  test('--json prints one object with the result and the stats', () => {
    const r = runCli(['compress', join(dir, 'request.json'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out), ['result', 'stats']);
    assert.equal(out.result.model, 'gpt-4o-mini');
    assert.equal(out.stats.messages.length, 2);
    assert.equal(typeof out.stats.originalTokens, 'number');
  });

  test('unreadable or invalid input gives a clear error and exit code 2', () => {
    const missing = runCli(['compress', join(dir, 'nope.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*nope\.json: no such file/);
    const badMessages = runCli(['compress', '-'], '{"model": "x", "messages": "hello"}');
    assert.equal(badMessages.code, 2);
    assert.match(badMessages.stderr, /"messages" must be an array/);
    const noRole = runCli(['compress', '-'], '{"messages": [{"content": "hi"}]}');
    assert.equal(noRole.code, 2);
    assert.match(noRole.stderr, /role must be a string/);
    const empty = runCli(['compress', '-'], '  \n');
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /input is empty/);
    const badLevel = runCli(['compress', '-', '--level', 'max'], 'hi');
    assert.equal(badLevel.code, 2);
    assert.match(badLevel.stderr, /--level must be one of/);
  });

  test('input classification', () => {
    assert.equal(classifyInput('{"messages": []}').form, 'request');
    assert.equal(classifyInput('[{"role": "user", "content": "x"}]').form, 'messages');
    assert.equal(classifyInput('[1, 2, 3]').form, 'text'); // JSON data to compress, not messages
    assert.equal(classifyInput('{"rows": [1]}').form, 'text');
    assert.equal(classifyInput('[not json').form, 'text');
    assert.throws(() => classifyInput('{"messages": [1]}'), /must be an object/);
  });
});
