// The batched stdout writer (gateway/log-destination.ts) against a real file and a scripted
// fs: lines wait for a 32 KB batch (or a flush), arrive whole and in order, partial writes and
// EAGAIN are retried, a stdout that never drains is bounded and the loss is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, openSync, readFileSync, rmSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchedLineWriter, type WriteIo } from '../../src/gateway/log-destination.js';

const line = (i: number, pad = 0) => `${JSON.stringify({ i, pad: 'é'.repeat(pad) })}\n`;
const until = async (ok: () => boolean) => {
  for (let n = 0; n < 500 && !ok(); n++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(ok());
};

test('a real file: nothing before 32 KB or a flush; then every line whole and in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oc-logdest-'));
  const file = join(dir, 'out.log');
  const fd = openSync(file, 'w');
  try {
    const w = new BatchedLineWriter(fd);
    for (let i = 0; i < 10; i++) w.write(line(i));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(readFileSync(file, 'utf8'), '', 'small batches wait');
    w.flush();
    await until(() => readFileSync(file, 'utf8').split('\n').length === 11);
    for (let i = 10; i < 400; i++) w.write(line(i, 200)); // multi-byte text, ~160 KB in all
    w.flush();
    await until(() => readFileSync(file, 'utf8').endsWith(line(399, 200)));
    w.write(line(400));
    w.flushSync();
    const got = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).i);
    assert.deepEqual(got, Array.from({ length: 401 }, (_, i) => i));
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** An fs that takes at most `max` bytes per write and answers EAGAIN on every other call. */
function scriptedIo(max: number) {
  const out: Buffer[] = [];
  let calls = 0;
  const io: WriteIo = {
    write(_fd, buf, offset, length, cb) {
      const n = ++calls;
      setImmediate(() => {
        if (n % 2 === 0) return cb(Object.assign(new Error('busy'), { code: 'EAGAIN' }), 0);
        const k = Math.min(max, length);
        out.push(Buffer.from(buf.subarray(offset, offset + k)));
        cb(null, k);
      });
    },
    writeSync(_fd, buf, offset, length) {
      const k = Math.min(max, length);
      out.push(Buffer.from(buf.subarray(offset, offset + k)));
      return k;
    },
  };
  return { io, text: () => Buffer.concat(out).toString('utf8') };
}

test('partial writes and EAGAIN are retried until the batch is out', async () => {
  const s = scriptedIo(1000);
  const w = new BatchedLineWriter(1, s.io);
  const expected = Array.from({ length: 300 }, (_, i) => line(i, 100)).join('');
  for (let i = 0; i < 300; i++) w.write(line(i, 100));
  w.flush();
  await until(() => s.text() === expected);
});

test('a stdout that never drains: memory is bounded and the dropped lines are reported', () => {
  const taken: Buffer[] = [];
  const out: Buffer[] = [];
  // the first batch's write never completes; everything after it piles up
  const w = new BatchedLineWriter(1, {
    write: (_fd, buf) => void taken.push(buf),
    writeSync: (_fd, buf, o, length) => (out.push(Buffer.from(buf.subarray(o, o + length))), length),
  });
  const big = line(0, 4000);
  for (let i = 0; i < 6000; i++) w.write(big); // ~24 M characters; at most 16 M wait
  w.flushSync();
  const inFlight = taken.join('').split('\n').filter(Boolean).length;
  const lines = Buffer.concat(out).toString('utf8').split('\n').filter(Boolean);
  const warn = JSON.parse(lines.at(-1)!);
  assert.equal(warn.level, 'warn');
  assert.ok(lines.slice(0, -1).every((l) => l === big.trimEnd()));
  assert.ok(warn.dropped > 1000, `dropped ${warn.dropped}`);
  assert.equal(inFlight + lines.length - 1 + warn.dropped, 6000, 'every line is written, in flight or counted');
});

test('exit while a batch waits to retry after EAGAIN: flushSync writes its rest first, whole, then the newer lines', () => {
  const out: Buffer[] = [];
  let calls = 0;
  const w = new BatchedLineWriter(1, {
    // the first write takes 100 bytes, every later asynchronous one finds the pipe full
    write(_fd, buf, offset, length, cb) {
      const n = ++calls;
      if (n === 1) {
        out.push(Buffer.from(buf.subarray(offset, offset + 100)));
        setImmediate(() => cb(null, 100));
      } else setImmediate(() => cb(Object.assign(new Error('full'), { code: 'EAGAIN' }), 0));
    },
    writeSync: (_fd, buf, o, length) => (out.push(Buffer.from(buf.subarray(o, o + length))), length),
  });
  const first = Array.from({ length: 40 }, (_, i) => line(i, 1000));
  for (const l of first) w.write(l); // a 32 KB batch starts
  return new Promise<void>((resolve) => {
    setTimeout(() => {
      w.write(line(99));
      w.flushSync();
      const text = Buffer.concat(out).toString('utf8');
      const lines = text.split('\n').filter(Boolean).map((l) => JSON.parse(l).i);
      // the batch in retry (its first 100 bytes already out), the 7 lines after it, then line 99
      assert.deepEqual(lines, [...Array.from({ length: 40 }, (_, i) => i), 99]);
      resolve();
    }, 50);
  });
});

test('drain resolves once every line written so far is out', async () => {
  const s = scriptedIo(700);
  const w = new BatchedLineWriter(1, s.io);
  const expected = Array.from({ length: 120 }, (_, i) => line(i, 300)).join('');
  for (let i = 0; i < 120; i++) w.write(line(i, 300));
  const keepAlive = setInterval(() => undefined, 1000); // the writer's retry timers do not hold the process
  await w.drain();
  clearInterval(keepAlive);
  assert.equal(s.text(), expected);
  await w.drain(); // nothing left: resolves at once
});
