// The causal, cache-safe invariant: compressing messages[0..k] gives the same first k messages as
// compressing the whole conversation, for every k, every level and every fixture.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { compressMessages } from '../../src/compress/index.js';
import { allFixtures } from './fixtures.js';
import type { ChatMessage } from '../../src/compress/types.js';

/** a long conversation: the fixtures back to back, so later messages follow unrelated ones */
const combined: ChatMessage[] = Object.values(allFixtures).flat();

describe('causal invariant', () => {
  for (const level of ['lossless', 'balanced', 'aggressive'] as const) {
    for (const [name, conv] of Object.entries({ ...allFixtures, combined })) {
      test(`${name} at ${level}`, () => {
        const full = compressMessages(conv, { level });
        for (let k = 1; k < conv.length; k++) {
          const prefix = compressMessages(conv.slice(0, k), { level });
          assert.equal(JSON.stringify(prefix.messages), JSON.stringify(full.messages.slice(0, k)), `prefix ${k}`);
        }
      });
    }
  }

  test('targetTokens budgets are causal too', () => {
    const full = compressMessages(combined, { targetTokens: 500 });
    for (let k = 1; k < combined.length; k++) {
      const prefix = compressMessages(combined.slice(0, k), { targetTokens: 500 });
      assert.equal(JSON.stringify(prefix.messages), JSON.stringify(full.messages.slice(0, k)), `prefix ${k}`);
    }
  });
});
