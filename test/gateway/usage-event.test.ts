// The UsageEvent rules (src/gateway/usage-event.ts): status precedence and the token arithmetic
// with and without upstream usage.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildUsageEvent, usageStatus, type ChatRun } from '../../src/gateway/usage-event.js';
import type { CompressStats } from '../../src/compress/types.js';

const stats = (original: number, compressed: number, guards: Array<'kept' | 'reverted' | 'unchanged' | 'skipped'>): CompressStats => ({
  originalTokens: original,
  compressedTokens: compressed,
  savedTokens: original - compressed,
  ratio: compressed / original,
  tokenizer: 'o200k',
  level: 'balanced',
  ms: 1,
  messages: guards.map((guard, index) => ({ index, role: 'user', originalTokens: 0, compressedTokens: 0, transforms: [], guard })),
});

function run(partial: Partial<ChatRun>): ChatRun {
  return {
    requestId: 'r1',
    at: new Date(0),
    key: { id: 'key_1', accountId: 'acct_1', name: '', prefix: 'p', mode: 'byok', rpm: 0, concurrency: 0 },
    mode: 'byok',
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'hello world' }],
    stats: null,
    applied: false,
    usage: null,
    failure: null,
    clientAborted: false,
    responseCopy: null,
    ...partial,
  };
}

describe('usage events', () => {
  test('status precedence: failure > client abort > not compressed / guard reverted > ok', () => {
    assert.equal(usageStatus(run({ failure: 'upstream_error', clientAborted: true, applied: true })), 'upstream_error');
    assert.equal(usageStatus(run({ clientAborted: true, applied: true })), 'client_aborted');
    assert.equal(usageStatus(run({ stats: stats(100, 100, ['reverted', 'skipped']) })), 'guard_reverted');
    assert.equal(usageStatus(run({ stats: stats(100, 100, ['unchanged']) })), 'not_compressed');
    assert.equal(usageStatus(run({})), 'not_compressed');
    assert.equal(usageStatus(run({ stats: stats(100, 60, ['kept', 'reverted']), applied: true })), 'ok');
  });

  test('with upstream usage: compressed = reported prompt tokens, original = reported + removed', () => {
    const e = buildUsageEvent(
      run({ stats: stats(1000, 600, ['kept']), applied: true, usage: { promptTokens: 612, completionTokens: 20, cachedTokens: 100, costUsd: 0.01 } }),
      12.4,
      () => 0,
    );
    assert.equal(e.compressedInputTokens, 612);
    assert.equal(e.originalInputTokens, 1012);
    assert.equal(e.usageReported, true);
    assert.equal(e.outputTokens, 20);
    assert.equal(e.cachedInputTokens, 100);
    assert.equal(e.upstreamCostUsd, 0.01);
    assert.equal(e.latencyMs, 12);
    assert.equal(e.status, 'ok');
  });

  test('without usage: the engine counts; at level off the messages are counted afterwards', () => {
    const e = buildUsageEvent(run({ stats: stats(1000, 600, ['kept']), applied: true }), 1, () => 0);
    assert.deepEqual([e.originalInputTokens, e.compressedInputTokens, e.usageReported, e.outputTokens], [1000, 600, false, 0]);
    const off = buildUsageEvent(run({}), 1, (text) => text.length);
    assert.equal(off.originalInputTokens, 'hello world\n'.length);
    assert.equal(off.compressedInputTokens, off.originalInputTokens);
    assert.equal('upstreamCostUsd' in off, false);
  });
});
