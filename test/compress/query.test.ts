import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { queryFor, queryTerms, trailingInstructionStart, leadingInstructionEnd, questionIn } from '../../src/compress/query.js';
import type { ChatMessage } from '../../src/compress/types.js';

describe('query', () => {
  test('the trailing paragraph is the instruction', () => {
    const t = 'Context:\nlong text here.\n\nQuestion: what is X?';
    assert.equal(t.slice(trailingInstructionStart(t)), 'Question: what is X?');
  });

  test('a very long last paragraph: its "Question:" line, else its last line', () => {
    const filler = 'word '.repeat(400);
    const t = `${filler}\nQuestion: which port?\nAnswer briefly.`;
    assert.equal(t.slice(trailingInstructionStart(t)), 'Question: which port?\nAnswer briefly.');
    const u = `${filler}\n${filler}\nTell me the port.`;
    assert.equal(u.slice(trailingInstructionStart(u)), 'Tell me the port.');
  });

  test('a short first paragraph, or a first line ending in ":" or "?", is the leading instruction', () => {
    const a = 'Translate this:\n\nlong text';
    assert.equal(a.slice(0, leadingInstructionEnd(a)), 'Translate this:');
    const b = `Fix the failing test in this file:\n${'x = 1\n'.repeat(100)}`;
    assert.equal(b.slice(0, leadingInstructionEnd(b)), 'Fix the failing test in this file:');
    assert.equal(leadingInstructionEnd(`Context:\n${'word '.repeat(200)}`), 'Context:'.length);
    assert.equal(leadingInstructionEnd('word '.repeat(200)), 0);
  });

  test('question-first prompts: the question line, not the last pasted document, is the query', () => {
    const doc = 'Ferries carry passengers between the piers every morning and evening. '.repeat(30);
    const q = questionIn(`Question: when did the Harbor Bridge open?\n\nDocuments:\n${doc}`);
    assert.match(q, /Harbor Bridge open/);
    assert.doesNotMatch(q, /Ferries/);
  });

  test('questionIn collects the question sentences', () => {
    assert.match(questionIn('Intro. Why is the sky blue? More text.\n\nAnswer in one line.'), /Why is the sky blue\?/);
  });

  test('a tool message is judged against the latest EARLIER user turn and tool call, never a later one', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'Show me the nginx error log please.' },
      { role: 'assistant', content: null, tool_calls: [{ id: '1', type: 'function', function: { name: 'read_log', arguments: '{"file":"error.log"}' } }] },
      { role: 'tool', content: 'log…' },
      { role: 'user', content: 'Which upstream timed out?' },
    ];
    const q = queryFor(messages, 2);
    assert.match(q, /nginx error log/);
    assert.match(q, /read_log/);
    assert.doesNotMatch(q, /upstream/);
  });

  test('queryTerms drops stop words and lower-cases', () => {
    const t = queryTerms('What is the Harbor Bridge span?');
    assert.ok(t.has('harbor') && t.has('bridge') && t.has('span'));
    assert.ok(!t.has('what') && !t.has('the'));
  });
});
