// writeInfoLine writes the line pino's info() would: same members in the same order, same values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, writeInfoLine } from '../../src/gateway/logging.js';

function capture() {
  const lines: string[] = [];
  return { lines, logger: createLogger('info', { write: (s: string) => void lines.push(s) }) };
}

test('writeInfoLine: the same JSON line as pino, time aside', () => {
  const { lines, logger } = capture();
  const child = logger.child({ reqId: '01931a2b-3c4d-7e8f-9a0b-1c2d3e4f5a6b' });
  const fields = { method: 'POST', url: '/v1/chat/completions', status: 200, ms: 1.3, model: 'gpt "4o"\n', stream: false, skipped: undefined, outcome: 'ok' };
  child.info(fields, 'request');
  writeInfoLine(child, fields, 'request');
  assert.equal(lines.length, 2);
  assert.ok(lines.every((l) => l.endsWith('}\n') && !l.slice(0, -1).includes('\n')));
  const [viaPino, ours] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(typeof ours.time, 'string');
  delete viaPino.time;
  delete ours.time;
  assert.deepEqual(Object.entries(ours), Object.entries(viaPino));
  assert.equal(ours.level, 'info');
  assert.equal(ours.pid, process.pid);
  assert.equal(ours.model, 'gpt "4o"\n');
  assert.equal(ours.msg, 'request');
});

test('writeInfoLine: nothing below the logger level; an empty field set is still one valid line', () => {
  const quiet = capture();
  const warnOnly = createLogger('warn', { write: (s: string) => void quiet.lines.push(s) });
  writeInfoLine(warnOnly, { a: 1 }, 'request');
  assert.equal(quiet.lines.length, 0);
  const { lines, logger } = capture();
  writeInfoLine(logger, {}, 'hello');
  assert.deepEqual(Object.keys(JSON.parse(lines[0])), ['level', 'time', 'pid', 'msg']);
});
