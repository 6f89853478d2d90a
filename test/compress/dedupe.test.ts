import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { BlockHistory, dedupe, MIN_DEDUPE_CHARS } from '../../src/compress/transforms/dedupe.js';
import { compressMessages } from '../../src/compress/index.js';

const long = 'const value = computeSomething(input);\n'.repeat(20);

describe('dedupe', () => {
  test('replaces a block seen in an earlier message by a reference', () => {
    const h = new BlockHistory();
    h.remember(long, 2, 0);
    const out = dedupe({ kind: 'code', text: long }, h);
    assert.equal(out.text, '[same as message 3, block 1]');
    assert.deepEqual(out.omitted, [long]);
  });

  test('the first copy is the reference, whether blocks were remembered before or after a lookup', () => {
    const h = new BlockHistory();
    h.remember(long, 0, 1);
    h.remember(long.replace(/\n/g, ' \n'), 3, 0); // the same block modulo trailing blanks
    assert.equal(dedupe({ kind: 'code', text: `${long}\n\n` }, h).text, '[same as message 1, block 2]');
    const other = 'SELECT id, name FROM users WHERE active = 1;\n'.repeat(12);
    h.remember(other, 4, 0);
    assert.equal(dedupe({ kind: 'code', text: other }, h).text, '[same as message 5, block 1]');
    assert.equal(dedupe({ kind: 'code', text: long }, h).text, '[same as message 1, block 2]');
  });

  test('ignores short blocks and unseen blocks', () => {
    const h = new BlockHistory();
    const short = 'x'.repeat(MIN_DEDUPE_CHARS - 1);
    h.remember(short, 0, 0);
    assert.equal(dedupe({ kind: 'prose', text: short }, h).text, short);
    assert.equal(dedupe({ kind: 'prose', text: long }, h).text, long);
  });

  test('a JSON block becomes a JSON string reference (still valid JSON)', () => {
    const h = new BlockHistory();
    const json = JSON.stringify({ items: Array.from({ length: 40 }, (_, i) => ({ id: i })) });
    h.remember(json, 0, 0);
    const out = dedupe({ kind: 'json', text: json }, h);
    assert.equal(JSON.parse(out.text), '[same as message 1, block 1]');
  });

  test('in the pipeline, a repeated tool output refers to the first copy (lossless level)', () => {
    const messages = [
      { role: 'tool', tool_call_id: 'a', content: long },
      { role: 'assistant', content: 'ok' },
      { role: 'tool', tool_call_id: 'b', content: long },
    ];
    const r = compressMessages(messages, { level: 'lossless' });
    assert.equal(r.messages[2].content, '[same as message 1, block 1]');
    assert.ok(r.stats.messages[2].transforms.includes('dedupe'));
    assert.equal(r.messages[0].content, long);
  });
});
