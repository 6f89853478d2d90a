// src/upstream/read-capped.ts: reading upstream bodies under a cap — the reader stops at the cap and
// destroys the body instead of reading (and discarding) whatever a hostile upstream keeps sending.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { readBodyCapped, readBodyText } from '../../src/upstream/read-capped.js';
import { readJsonObject } from '../../src/gateway/anthropic-upstream.js';

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

  test('readJsonObject: a JSON object, null for anything else, and an answer over the cap named as too large', async () => {
    assert.deepEqual(await readJsonObject(Readable.from([Buffer.from('{"id":1}')])), { payload: { id: 1 }, tooLarge: false });
    assert.deepEqual(await readJsonObject(Readable.from([Buffer.from('[1]')])), { payload: null, tooLarge: false });
    const { body, state } = endless();
    assert.deepEqual(await readJsonObject(body, 10_000), { payload: null, tooLarge: true });
    assert.equal(state.destroyed, true);
  });
});
