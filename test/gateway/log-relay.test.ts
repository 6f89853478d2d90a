// The cluster worker's log relay (gateway/cluster/log-relay.ts) against a fake IPC channel: lines
// are batched in order, a full batch goes out by itself, and when the primary stops reading the
// lines beyond the in-flight bound are counted and reported in a warning line, not queued forever.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogRelay } from '../../src/gateway/cluster/log-relay.js';

function fakeChannel(answer: boolean) {
  const sent: string[] = [];
  const pending: Array<() => void> = [];
  return {
    sent,
    pending,
    answer,
    connected: true,
    send(m: { oc: string; chunk: string }, cb: (err: Error | null) => void) {
      sent.push(m.chunk);
      if (this.answer) setImmediate(() => cb(null));
      else pending.push(() => cb(null));
      return true;
    },
  };
}

const line = (i: number, pad = 0) => `${JSON.stringify({ level: 'info', i, pad: 'x'.repeat(pad) })}\n`;

test('lines are held until a flush, then sent as one batch in order', async () => {
  const ch = fakeChannel(true);
  const relay = createLogRelay(ch);
  for (let i = 0; i < 5; i++) relay.write(line(i));
  assert.equal(ch.sent.length, 0);
  await relay.flush();
  assert.deepEqual(ch.sent, [[0, 1, 2, 3, 4].map((i) => line(i)).join('')]);
  await relay.flush();
  assert.equal(ch.sent.length, 1, 'nothing new, nothing sent');
});

test('a flush with nothing new still waits for the batch being sent', async () => {
  const ch = fakeChannel(false);
  const relay = createLogRelay(ch);
  let n = 0;
  while (ch.sent.length === 0) relay.write(line(n++, 1000)); // until a full batch starts sending
  let done = false;
  const flushed = relay.flush().then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(done, false, 'not before the channel took the batch');
  ch.answer = true;
  for (const release of ch.pending.splice(0)) release();
  await flushed;
  assert.equal(done, true);
  assert.equal(ch.sent.length, 1, 'nothing new was sent');
});

test('a batch of 32 KB goes out without a flush', () => {
  const ch = fakeChannel(true);
  const relay = createLogRelay(ch);
  for (let i = 0; i < 40; i++) relay.write(line(i, 1000));
  assert.equal(ch.sent.length, 1);
  assert.ok(ch.sent[0].length >= 32 * 1024);
  assert.equal(ch.sent[0].split('\n').filter(Boolean).length, 32);
});

test('a primary that stops reading: lines past 8 MB in flight are dropped and reported', async () => {
  const ch = fakeChannel(false);
  const relay = createLogRelay(ch);
  const total = 400;
  for (let i = 0; i < total; i++) relay.write(line(i, 32 * 1024));
  const delivered = ch.sent.join('').split('\n').filter(Boolean).length;
  assert.ok(delivered < total && delivered >= 8 * 32, `delivered ${delivered}`);
  ch.answer = true;
  for (const done of ch.pending.splice(0)) done();
  relay.write(line(total));
  await relay.flush();
  const last = ch.sent.at(-1)!.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.equal(last[0].i, total);
  assert.equal(last[1].level, 'warn');
  assert.equal(last[1].dropped, total - delivered);
});
