// The Anthropic block ↔ engine mapping (src/gateway/anthropic-compress.ts): which texts reach the
// engine, in which order and role, and that compressed text goes back into exactly its block while
// every other block stays the client's own object.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compressMessages } from '../../src/compress/index.js';
import type { CompressResult } from '../../src/compress/types.js';
import { applyCompressed, toEngineInput } from '../../src/gateway/anthropic-compress.js';

const body = () => ({
  model: 'claude-x',
  system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
  messages: [
    { role: 'user', content: 'plain question' },
    {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'think', signature: 's' },
        { type: 'text', text: 'Calling.' },
        { type: 'tool_use', id: 't1', name: 'f', input: { q: 1 } },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'result one' }, { type: 'image', source: { type: 'url', url: 'u' } }, { type: 'text', text: 'result two' }] },
        { type: 'tool_result', tool_use_id: 't2', content: 'string result' },
        { type: 'image', source: { type: 'url', url: 'u2' } },
        { type: 'text', text: 'first text', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'second text' },
      ],
    },
  ],
});

describe('toEngineInput', () => {
  test('system and assistant as context, user text and tool results as compressible messages, in block order', () => {
    const input = toEngineInput(body());
    assert.deepEqual(input.messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'plain question' },
      { role: 'assistant', content: 'Calling.', tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{"q":1}' } }] },
      { role: 'tool', tool_call_id: 't1', content: [{ type: 'text', text: 'result one' }, { type: 'text', text: 'result two' }] },
      { role: 'tool', tool_call_id: 't2', content: 'string result' },
      { role: 'user', content: [{ type: 'text', text: 'first text' }, { type: 'text', text: 'second text' }] },
    ]);
  });
});

describe('applyCompressed', () => {
  /** a fake engine result that upper-cases every compressible text */
  function shout(messages: CompressResult['messages']): CompressResult {
    const out = messages.map((m) => {
      if (m.role !== 'user' && m.role !== 'tool') return m;
      if (typeof m.content === 'string') return { ...m, content: m.content.toUpperCase() };
      return { ...m, content: (m.content ?? []).map((p) => (p.type === 'text' ? { ...p, text: String(p.text).toUpperCase() } : p)) };
    });
    return { messages: out, stats: compressMessages([], {}).stats };
  }

  test('writes each text back into its own block and shares every other object', () => {
    const b = body();
    const input = toEngineInput(b);
    const out = applyCompressed(b, input, shout(input.messages)) as any[];
    assert.equal(out[0].content, 'PLAIN QUESTION');
    assert.equal(out[1], b.messages[1], 'assistant turn is the same object');
    const blocks = out[2].content;
    assert.deepEqual(blocks[0].content, [{ type: 'text', text: 'RESULT ONE' }, { type: 'image', source: { type: 'url', url: 'u' } }, { type: 'text', text: 'RESULT TWO' }]);
    assert.equal(blocks[0].content[1], (b.messages[2].content as any[])[0].content[1], 'image inside tool_result shared');
    assert.equal(blocks[0].tool_use_id, 't1');
    assert.equal(blocks[1].content, 'STRING RESULT');
    assert.equal(blocks[2], (b.messages[2].content as any[])[2], 'image block shared');
    assert.deepEqual(blocks[3], { type: 'text', text: 'FIRST TEXT', cache_control: { type: 'ephemeral' } });
    assert.equal(blocks[4].text, 'SECOND TEXT');
    assert.equal((b.messages[2].content as any[])[3].text, 'first text', 'the client body is not mutated');
  });

  test('null when nothing changed', () => {
    const b = body();
    const input = toEngineInput(b);
    assert.equal(applyCompressed(b, input, { messages: input.messages, stats: compressMessages([], {}).stats }), null);
  });

  test('with the real engine: a big user text shrinks, the question survives', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ id: i, name: `item-${i}`, status: i % 7 ? 'ok' : 'error' }));
    const b = { model: 'claude-x', messages: [{ role: 'user', content: [{ type: 'text', text: JSON.stringify(rows, null, 2) + '\n\nWhich items failed?' }] }] };
    const input = toEngineInput(b);
    const result = compressMessages(input.messages, { level: 'balanced' });
    const out = applyCompressed(b, input, result) as any[];
    assert.ok(out[0].content[0].text.length < b.messages[0].content[0].text.length);
    assert.ok(out[0].content[0].text.endsWith('Which items failed?'));
  });
});
