// Anthropic Messages ↔ Chat Completions translation (src/upstream/anthropic/translate-*.ts): the
// request mapping, the JSON answer mapping, and the SSE translator fed byte fragments.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AnthropicTranslationError, toChatCompletionsRequest } from '../../src/upstream/anthropic/translate-request.js';
import { stopReasonOf, toAnthropicMessage } from '../../src/upstream/anthropic/translate-response.js';
import { ChatToMessagesStream, messageToEvents } from '../../src/upstream/anthropic/translate-stream.js';
import { UpstreamFailure } from '../../src/upstream/client.js';
import { MAX_EVENT_CHARS } from '../../src/upstream/sse-relay.js';

describe('toChatCompletionsRequest', () => {
  test('system, blocks, tool use/result, tools, tool_choice and sampling options', () => {
    const out = toChatCompletionsRequest({
      model: 'claude-x',
      max_tokens: 100,
      system: [{ type: 'text', text: 'A' }, { type: 'text', text: 'B', cache_control: { type: 'ephemeral' } }],
      stop_sequences: ['STOP'],
      temperature: 0.5,
      top_p: 0.8,
      top_k: 5,
      stream: true,
      metadata: { user_id: 'u-1' },
      thinking: { type: 'enabled', budget_tokens: 1000 },
      tools: [{ name: 'f', description: 'does f', input_schema: { type: 'object', properties: { a: { type: 'number' } } } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 's' },
            { type: 'text', text: 'Calling f.' },
            { type: 'tool_use', id: 't1', name: 'f', input: { a: 1 } },
            { type: 'tool_use', id: 't2', name: 'f', input: { a: 2 } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'one' }, { type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] },
            { type: 'tool_result', tool_use_id: 't2', content: 'two', is_error: true },
            { type: 'document', title: 'spec.pdf', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' } },
            { type: 'text', text: 'and?' },
          ],
        },
      ],
    });
    assert.deepEqual(out, {
      model: 'claude-x',
      max_tokens: 100,
      stop: ['STOP'],
      temperature: 0.5,
      top_p: 0.8,
      stream: true,
      user: 'u-1',
      tools: [{ type: 'function', function: { name: 'f', description: 'does f', parameters: { type: 'object', properties: { a: { type: 'number' } } } } }],
      tool_choice: 'required',
      parallel_tool_calls: false,
      messages: [
        { role: 'system', content: 'A\nB' },
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: 'Calling f.',
          tool_calls: [
            { id: 't1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
            { id: 't2', type: 'function', function: { name: 'f', arguments: '{"a":2}' } },
          ],
        },
        { role: 'tool', tool_call_id: 't1', content: 'one' },
        { role: 'tool', tool_call_id: 't2', content: 'two' },
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'https://x/y.png' } },
            { type: 'file', file: { filename: 'spec.pdf', file_data: 'data:application/pdf;base64,JVBE' } },
            { type: 'text', text: 'and?' },
          ],
        },
      ],
    });
  });

  test('tool_choice variants', () => {
    const base = { model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [{ name: 'f', input_schema: { type: 'object' } }] };
    assert.equal(toChatCompletionsRequest({ ...base, tool_choice: { type: 'auto' } }).tool_choice, 'auto');
    assert.equal(toChatCompletionsRequest({ ...base, tool_choice: { type: 'none' } }).tool_choice, 'none');
    assert.deepEqual(toChatCompletionsRequest({ ...base, tool_choice: { type: 'tool', name: 'f' } }).tool_choice, { type: 'function', function: { name: 'f' } });
    assert.equal('tool_choice' in toChatCompletionsRequest(base), false);
  });

  test('max_completion_tokens on request; a thinking-only assistant turn has empty content', () => {
    const out = toChatCompletionsRequest(
      { model: 'm', max_tokens: 9, messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature: 's' }] }] },
      { maxTokensField: 'max_completion_tokens' },
    );
    assert.equal(out.max_completion_tokens, 9);
    assert.equal('max_tokens' in out, false);
    assert.deepEqual((out.messages as unknown[])[1], { role: 'assistant', content: '' });
  });

  test('bad input is a clear error', () => {
    assert.throws(() => toChatCompletionsRequest({ model: 'm', messages: [{ role: 'system', content: 'x' }] }), AnthropicTranslationError);
    assert.throws(() => toChatCompletionsRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [{ description: 'no name' }] }), /name/);
    assert.throws(
      () => toChatCompletionsRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'web_search_20250305', name: 'web_search' }] }),
      /server tool/,
    );
  });
});

describe('toAnthropicMessage', () => {
  test('text + tool calls, stop reason, usage with cached tokens', () => {
    const { message, usage } = toAnthropicMessage(
      {
        id: 'chatcmpl-123',
        model: 'gpt-x',
        choices: [
          {
            index: 0,
            finish_reason: 'tool_calls',
            message: { role: 'assistant', content: 'Let me check.', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }, { id: 'c2', type: 'function', function: { name: 'g', arguments: 'not json' } }] },
          },
        ],
        usage: { prompt_tokens: 100, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 40 } },
      },
      'claude-x',
    );
    assert.deepEqual(message, {
      id: 'msg_chatcmpl-123',
      type: 'message',
      role: 'assistant',
      model: 'gpt-x',
      content: [
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'c1', name: 'f', input: { a: 1 } },
        { type: 'tool_use', id: 'c2', name: 'g', input: { _raw: 'not json' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 60, output_tokens: 20, cache_read_input_tokens: 40, cache_creation_input_tokens: 0 },
    });
    assert.deepEqual(usage, { promptTokens: 100, completionTokens: 20, cachedTokens: 40 });
  });

  test('stop reasons', () => {
    assert.equal(stopReasonOf('stop'), 'end_turn');
    assert.equal(stopReasonOf('length'), 'max_tokens');
    assert.equal(stopReasonOf('tool_calls'), 'tool_use');
    assert.equal(stopReasonOf('content_filter'), 'refusal');
    assert.equal(stopReasonOf(null), null);
  });
});

function parseEvents(sse: string): Array<{ event: string; data: any }> {
  return sse
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)![1];
      const data = JSON.parse(/^data: (.*)$/m.exec(block)![1]);
      assert.equal(data.type, event);
      return { event, data };
    });
}

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-9', model: 'gpt-x', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

function feedInPieces(t: ChatToMessagesStream, text: string, size: number): string {
  const bytes = Buffer.from(text, 'utf8');
  let out = '';
  for (let i = 0; i < bytes.length; i += size) out += t.push(bytes.subarray(i, i + size));
  return out + t.end();
}

describe('ChatToMessagesStream', () => {
  const upstream =
    chunk({ role: 'assistant', content: '' }) +
    chunk({ content: 'Héllo ' }) +
    chunk({ content: 'wörld.' }) +
    chunk({ tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'f', arguments: '' } }] }) +
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] }) +
    chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }) +
    chunk({ tool_calls: [{ index: 1, id: 'c2', type: 'function', function: { name: 'g', arguments: '{}' } }] }) +
    chunk({}, 'tool_calls') +
    `data: ${JSON.stringify({ id: 'chatcmpl-9', choices: [], usage: { prompt_tokens: 50, completion_tokens: 5 } })}\n\n` +
    'data: [DONE]\n\n';

  test('the same events whatever the chunk boundaries (even inside a UTF-8 character)', () => {
    const whole = feedInPieces(new ChatToMessagesStream('m'), upstream, 1 << 20);
    for (const size of [1, 3, 7, 64]) assert.equal(feedInPieces(new ChatToMessagesStream('m'), upstream, size), whole);
    const events = parseEvents(whole);
    assert.deepEqual(
      events.map((e) => e.event),
      [
        'message_start',
        'content_block_start',
        'content_block_delta',
        'content_block_delta',
        'content_block_stop',
        'content_block_start',
        'content_block_delta',
        'content_block_delta',
        'content_block_stop',
        'content_block_start',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ],
    );
    assert.equal(events[0].data.message.id, 'msg_chatcmpl-9');
    assert.deepEqual(events[1].data, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    assert.deepEqual(events[3].data.delta, { type: 'text_delta', text: 'wörld.' });
    assert.deepEqual(events[5].data.content_block, { type: 'tool_use', id: 'c1', name: 'f', input: {} });
    assert.deepEqual(events[7].data, { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '1}' } });
    assert.equal(events[9].data.index, 2);
    assert.deepEqual(events[12].data, {
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { input_tokens: 50, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    });
  });

  test('events are emitted as soon as their chunk is complete', () => {
    const t = new ChatToMessagesStream('m');
    const first = parseEvents(t.push(Buffer.from(chunk({ content: 'Hi' }))));
    assert.deepEqual(first.map((e) => e.event), ['message_start', 'content_block_start', 'content_block_delta']);
    assert.equal(t.push(Buffer.from('data: {"choices":[{"index":0,"delta":{"content":" the')), '');
  });

  test('a stream without [DONE] is closed at the end; an error chunk becomes an error event', () => {
    const t = new ChatToMessagesStream('m');
    const events = parseEvents(t.push(Buffer.from(chunk({ content: 'x' }, 'length'))) + t.end());
    assert.deepEqual(events.slice(-2).map((e) => e.event), ['message_delta', 'message_stop']);
    assert.equal(events.at(-2)!.data.delta.stop_reason, 'max_tokens');

    const e = new ChatToMessagesStream('m');
    const out = parseEvents(e.push(Buffer.from(chunk({ content: 'x' }) + 'data: {"error":{"message":"overloaded"}}\n\n')) + e.end());
    assert.equal(out.at(-1)!.event, 'error');
    assert.deepEqual(out.at(-1)!.data.error, { type: 'api_error', message: 'Upstream stream failed: overloaded' });
    assert.equal(e.upstreamError, 'overloaded');
  });

  test('an event that never ends: push throws a protocol failure past MAX_EVENT_CHARS instead of buffering', () => {
    const t = new ChatToMessagesStream('m');
    const first = t.push(Buffer.from(chunk({ content: 'x' }) + 'data: "'));
    assert.deepEqual(parseEvents(first).map((e) => e.event), ['message_start', 'content_block_start', 'content_block_delta']);
    const piece = Buffer.alloc(64 * 1024, 0x61);
    let thrown: unknown;
    for (let sent = 0; sent <= MAX_EVENT_CHARS + piece.length && !thrown; sent += piece.length) {
      try {
        assert.equal(t.push(piece), '');
      } catch (err) {
        thrown = err;
      }
    }
    assert.ok(thrown instanceof UpstreamFailure && thrown.kind === 'protocol', String(thrown));
    assert.match(thrown.message, /longer than the gateway accepts/);
    const tail = parseEvents(t.fail('api_error', `Upstream stream failed: ${thrown.message}`));
    assert.deepEqual(tail.map((e) => e.event), ['error']);
  });

  test('an error chunk that carries usage and cost: the usage is still read', () => {
    const t = new ChatToMessagesStream('m');
    const usage = { prompt_tokens: 30, completion_tokens: 2, cost: 0.125 };
    const out = parseEvents(t.push(Buffer.from(chunk({ content: 'x' }) + `data: ${JSON.stringify({ error: { message: 'overloaded' }, usage })}\n\n`)) + t.end());
    assert.equal(out.at(-1)!.event, 'error');
    assert.deepEqual(t.usage, { promptTokens: 30, completionTokens: 2, cachedTokens: 0, costUsd: 0.125 });
  });
});

describe('messageToEvents', () => {
  test('a whole message as the Anthropic event sequence', () => {
    const { message } = toAnthropicMessage(
      { id: 'x', choices: [{ index: 0, finish_reason: 'tool_calls', message: { content: 'Hi', tool_calls: [{ id: 'c1', function: { name: 'f', arguments: '{"a":1}' } }] } }] },
      'm',
    );
    const events = parseEvents(messageToEvents(message));
    assert.deepEqual(
      events.map((e) => e.event),
      ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop'],
    );
    assert.deepEqual(events[0].data.message.content, []);
    assert.deepEqual(events[4].data.content_block, { type: 'tool_use', id: 'c1', name: 'f', input: {} });
    assert.deepEqual(events[5].data.delta, { type: 'input_json_delta', partial_json: '{"a":1}' });
    assert.equal(events[7].data.delta.stop_reason, 'tool_use');
  });
});
