import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonStillValid, jsonTextPositions, readableAsJson } from '../../src/eval/json-validity.js';
import type { ChatMessage } from '../../src/compress/types.js';

describe('eval JSON validity check', () => {
  const before: ChatMessage[] = [
    { role: 'user', content: 'plain words' },
    { role: 'tool', content: '[{"a": 1}, {"a": 2}]' },
    { role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }, { type: 'text', text: '{"ok": true}' }] },
  ];

  test('finds the texts that parse as JSON, including text parts', () => {
    assert.deepEqual(jsonTextPositions(before), [
      [1, 0],
      [2, 0],
    ]);
  });

  test('minified or table-encoded JSON is still valid; truncated or dropped is not', () => {
    const positions = jsonTextPositions(before);
    const minified: ChatMessage[] = [before[0], { role: 'tool', content: '{"$table":["a"],"rows":[[1],[2]]}' }, before[2]];
    assert.equal(jsonStillValid(minified, positions), true);
    const truncated: ChatMessage[] = [before[0], { role: 'tool', content: '[{"a": 1}, {"a"' }, before[2]];
    assert.equal(jsonStillValid(truncated, positions), false);
    assert.equal(jsonStillValid(before.slice(0, 2), positions), false);
    const partGone: ChatMessage[] = [before[0], before[1], { role: 'user', content: [{ type: 'text', text: 'ok: true' }] }];
    assert.equal(jsonStillValid(partGone, positions), false);
  });

  test('readableAsJson rejects prose', () => {
    assert.equal(readableAsJson('{"x": [1, 2]}'), true);
    assert.equal(readableAsJson('items: 1, 2 (and 40 more)'), false);
  });
});
