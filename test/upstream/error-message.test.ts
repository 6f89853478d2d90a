// src/upstream/error-message.ts: the one redaction of upstream text (error bodies, SSE error
// events) and reading upstream bodies under a cap — the reader stops at the cap and destroys the
// body instead of reading (and discarding) whatever a hostile upstream keeps sending.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { containsSecret, readBodyCapped, readBodyText, redactJsonText, redactSecrets, upstreamErrorMessage } from '../../src/upstream/error-message.js';

/** A body that never ends: counts the chunks it was asked for and whether it was destroyed. */
function endless(chunkSize = 1024) {
  const state = { pulled: 0, destroyed: false };
  const body = new Readable({
    read() {
      state.pulled++;
      this.push(Buffer.alloc(chunkSize, 0x61));
    },
    destroy(err, cb) {
      state.destroyed = true;
      cb(err);
    },
  });
  return { body, state };
}

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

describe('reading upstream bodies under a cap', () => {
  test('readBodyText stops at the cap and destroys an endless body', async () => {
    const { body, state } = endless();
    const text = await readBodyText(body, 10_000);
    assert.equal(text.length, 10_000);
    assert.equal(state.destroyed, true, 'the body (and with it the connection) is dropped');
    assert.ok(state.pulled < 40, `read ${state.pulled} chunks for a 10 KB cap`);
  });

  test('readBodyCapped reports truncation; a short body is read whole', async () => {
    const capped = await readBodyCapped(endless(300).body, 1000);
    assert.deepEqual([capped.buffer.length, capped.truncated], [1000, true]);
    const whole = await readBodyCapped(Readable.from([Buffer.from('{"a":'), Buffer.from('1}')]), 1000);
    assert.deepEqual([whole.buffer.toString(), whole.truncated], ['{"a":1}', false]);
    const exact = await readBodyCapped(Readable.from([Buffer.from('12345')]), 5);
    assert.deepEqual([exact.buffer.toString(), exact.truncated], ['12345', false]);
  });
});
