import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { compressMessages } from '../../src/compress/index.js';
import type { ChatMessage } from '../../src/compress/types.js';
import { agentSession, ragPrompt, transcript, multiPart, markdownPage } from './fixtures.js';

const textOf = (m: ChatMessage): string =>
  typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? m.content.map((p) => (typeof p.text === 'string' ? p.text : '')).join('\n') : '';

describe('compressMessages', () => {
  test('off: messages come back as they are', () => {
    const r = compressMessages(ragPrompt, { level: 'off' });
    assert.deepEqual(r.messages, ragPrompt);
    assert.equal(r.stats.savedTokens, 0);
    assert.ok(r.stats.messages.every((m) => m.guard === 'skipped'));
  });

  test('balanced (default) compresses a RAG prompt, keeps the answer and the question verbatim', () => {
    const r = compressMessages(ragPrompt);
    assert.equal(r.stats.level, 'balanced');
    assert.ok(r.stats.compressedTokens < r.stats.originalTokens * 0.7);
    const out = textOf(r.messages[1]);
    assert.match(out, /opened on 14 March 1932/);
    assert.match(out, /503 m/);
    assert.ok(out.endsWith('Question: when did the Harbor Bridge open and how long is its main span?'));
    assert.equal(r.messages[0], ragPrompt[0]);
  });

  test('system and assistant messages, tool_calls and ids are never touched', () => {
    const r = compressMessages(agentSession, { level: 'aggressive' });
    agentSession.forEach((m, i) => {
      if (m.role === 'system' || m.role === 'assistant') assert.equal(r.messages[i], m);
      if (m.tool_call_id) assert.equal(r.messages[i].tool_call_id, m.tool_call_id);
    });
  });

  test('roles are configurable', () => {
    const r = compressMessages(ragPrompt, { roles: ['tool'] });
    assert.equal(r.messages[1], ragPrompt[1]);
    assert.equal(r.stats.messages[1].guard, 'skipped');
  });

  test('content parts: only text parts change, other parts and extra fields are kept as is', () => {
    const r = compressMessages(multiPart);
    const before = multiPart[0].content as Array<Record<string, unknown>>;
    const after = r.messages[0].content as Array<Record<string, unknown>>;
    assert.equal(after.length, before.length);
    for (let k = 1; k < before.length; k++) assert.equal(after[k], before[k]);
    assert.equal(r.messages[0].name, 'alice');
    assert.ok((after[0].text as string).length < (before[0].text as string).length);
  });

  test('never grows a message, never mutates the input, same input gives same bytes', () => {
    for (const level of ['lossless', 'balanced', 'aggressive'] as const) {
      for (const conv of [agentSession, ragPrompt, transcript, markdownPage, multiPart]) {
        const snapshot = JSON.stringify(conv);
        const a = compressMessages(conv, { level });
        const b = compressMessages(conv, { level });
        assert.equal(JSON.stringify(conv), snapshot);
        assert.equal(JSON.stringify(a.messages), JSON.stringify(b.messages));
        a.stats.messages.forEach((s) => assert.ok(s.compressedTokens <= s.originalTokens));
        a.messages.forEach((m, i) => assert.ok(textOf(m).length <= textOf(conv[i]).length));
      }
    }
  });

  test('stats: per message and total, with transforms and guard decisions', () => {
    const r = compressMessages(agentSession, { level: 'balanced', model: 'gpt-4o' });
    assert.equal(r.stats.tokenizer, 'o200k');
    assert.equal(r.stats.messages.length, agentSession.length);
    const sum = r.stats.messages.reduce((s, m) => s + m.originalTokens, 0);
    assert.equal(sum, r.stats.originalTokens);
    assert.equal(r.stats.savedTokens, r.stats.originalTokens - r.stats.compressedTokens);
    const logs = r.stats.messages[5];
    assert.equal(logs.guard, 'kept');
    assert.ok(logs.transforms.includes('logs'));
    assert.equal(r.stats.messages[0].guard, 'skipped');
  });

  test('a message that would save almost nothing is sent unchanged', () => {
    const m: ChatMessage[] = [{ role: 'tool', content: 'Result:  ok  done' }];
    const r = compressMessages(m, { level: 'lossless' });
    assert.equal(r.messages[0], m[0]);
    assert.equal(r.stats.messages[0].guard, 'unchanged');
  });

  test('short user messages and the trailing instruction stay verbatim', () => {
    const short: ChatMessage[] = [{ role: 'user', content: 'Um, so  basically, can you   check the the logs?' }];
    assert.equal(compressMessages(short, { level: 'aggressive' }).messages[0], short[0]);
    const r = compressMessages(transcript, { level: 'aggressive' });
    assert.ok(textOf(r.messages[1]).endsWith('\n\nQuestion: What did Marketing propose for the covers?'));
    assert.match(textOf(r.messages[1]), /changeable covers in five colours/);
  });

  test('a leading instruction of a user message stays verbatim too', () => {
    const article = Array.from({ length: 40 }, (_, i) => `Paragraph sentence ${i} talks about harbours, ships and the weather in general terms.`).join(' ');
    const m: ChatMessage[] = [{ role: 'user', content: `Summarize the article below in French:\n\n${article}\n\nKeep it under 50 words.` }];
    const out = compressMessages(m, { level: 'aggressive' }).messages[0].content as string;
    assert.ok(out.startsWith('Summarize the article below in French:\n\n'));
    assert.ok(out.endsWith('\n\nKeep it under 50 words.'));
    assert.ok(out.length < (m[0].content as string).length / 2);
  });

  test('a user message that is pure JSON stays valid JSON', () => {
    const value = { rows: Array.from({ length: 30 }, (_, i) => ({ id: i, name: `item ${i}`, ok: i % 2 === 0 })) };
    const m: ChatMessage[] = [{ role: 'user', content: JSON.stringify(value, null, 2) }];
    for (const level of ['lossless', 'balanced', 'aggressive'] as const) {
      const out = compressMessages(m, { level }).messages[0].content as string;
      assert.doesNotThrow(() => JSON.parse(out), level);
      assert.ok(out.length < (m[0].content as string).length);
    }
    const str: ChatMessage[] = [{ role: 'tool', content: JSON.stringify('A long sentence that repeats. '.repeat(60)) }];
    assert.doesNotThrow(() => JSON.parse(compressMessages(str, { level: 'aggressive' }).messages[0].content as string));
  });

  test('targetRatio and targetTokens give a budget instead of a level', () => {
    const loose = compressMessages(ragPrompt, { targetRatio: 0.9 });
    const tight = compressMessages(ragPrompt, { targetRatio: 0.2 });
    assert.equal(tight.stats.level, 'target');
    assert.ok(tight.stats.compressedTokens <= loose.stats.compressedTokens);
    const byTokens = compressMessages(ragPrompt, { targetTokens: 100 });
    assert.ok(byTokens.stats.compressedTokens < byTokens.stats.originalTokens);
  });

  test('hostile input returns the messages unchanged instead of throwing', () => {
    const weird = [null, 42, 'x', { role: 5 }, { content: 'no role' }, { role: 'user', content: { not: 'an array' } }] as unknown as ChatMessage[];
    const r = compressMessages(weird);
    assert.equal(r.messages.length, weird.length);
    r.messages.forEach((m, i) => assert.equal(m, weird[i]));
    assert.doesNotThrow(() => compressMessages(undefined as unknown as ChatMessage[]));
    assert.doesNotThrow(() => compressMessages(ragPrompt, { level: 'extreme' as never, targetRatio: NaN, roles: 'user' as never }));
  });
});
