// Graceful shutdown: in-flight streams finish, new requests are turned away, /healthz reports
// draining, and billing's queue is flushed before the app is closed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Billing } from '../../src/billing/types.js';
import { closeGracefully } from '../../src/gateway/shutdown.js';
import { startMockUpstream } from '../helpers/mock-upstream.js';
import { startGateway } from '../helpers/gateway.js';

describe('graceful shutdown', () => {
  test('lets an in-flight stream finish, then flushes billing', async () => {
    const mock = await startMockUpstream({ content: 'a b c d e f g h i j', chunkDelayMs: 30 });
    let flushed = 0;
    let recorded = 0;
    const billing: Billing = {
      async admit() {
        return { ok: true, headers: {}, release() {} };
      },
      record: () => void recorded++,
      async flush() {
        flushed++;
      },
    };
    const gw = await startGateway({ mock, overrides: { billing } });
    try {
      const { key } = await gw.createKey({ mode: 'byok' });
      const res = await fetch(`${gw.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', connection: 'close' },
        body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'go' }] }),
      });
      assert.equal(res.status, 200);
      const closing = closeGracefully(gw.app, 5000);
      assert.equal(gw.app.services.draining(), true);
      const body = await res.text();
      assert.ok(body.includes('"content":"j"') && body.trimEnd().endsWith('data: [DONE]'), body.slice(-200));
      await closing;
      assert.equal(flushed, 1);
      assert.equal(recorded, 1);
      await assert.rejects(fetch(`${gw.url}/healthz`));
    } finally {
      await mock.close();
    }
  });
});
