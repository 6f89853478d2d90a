// src/upstream/error-message.ts: the one redaction of upstream text (error bodies, SSE error
// events).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { containsSecret, redactJsonText, redactSecrets, upstreamErrorMessage } from '../../src/upstream/error-message.js';

describe('upstream error text', () => {
  const KEY = 'sk-or-v1-abcdefghijklmnop0123456789';

  test('redactSecrets masks the exact key and anything key-shaped', () => {
    assert.equal(redactSecrets(`bad key ${KEY}`, [KEY]), 'bad key [redacted]');
    assert.equal(redactSecrets('Authorization: Bearer abc.def-ghi_jkl', []), 'Authorization: [redacted]');
    assert.equal(redactSecrets('gsk_0123456789abcdef and sk-proj-XYZ0123456', []), '[redacted] and [redacted]');
  });

  test('redactJsonText redacts every string of a JSON text (also JSON-escaped keys) and keeps it JSON', () => {
    const escaped = JSON.stringify({ error: { message: 'you sent x' } }).replace('x', KEY.replace('s', '\\u0073'));
    assert.ok(!escaped.includes(KEY));
    const out = redactJsonText(escaped, [KEY]);
    assert.deepEqual(JSON.parse(out), { error: { message: 'you sent [redacted]' } });
    assert.equal(redactJsonText(`not json ${KEY}`, [KEY]), 'not json [redacted]');
    assert.deepEqual(JSON.parse(redactJsonText(JSON.stringify({ [KEY]: [1, KEY, null, true] }), [KEY])), { '[redacted]': [1, '[redacted]', null, true] });
  });

  test('containsSecret looks for the exact values only (short ones ignored)', () => {
    assert.equal(containsSecret(`…${KEY}…`, [KEY]), true);
    assert.equal(containsSecret('nothing here', [KEY, '']), false);
    assert.equal(containsSecret('abc', ['abc']), false);
  });

  test('upstreamErrorMessage uses the provider message, redacted and bounded', () => {
    const body = JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}` } });
    assert.equal(upstreamErrorMessage(401, body, [KEY]), 'Upstream returned 401: Incorrect API key provided: [redacted]');
    assert.ok(upstreamErrorMessage(500, 'x'.repeat(5000), []).length < 600);
  });
});
