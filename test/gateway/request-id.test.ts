import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { newRequestId } from '../../src/gateway/request-id.js';

describe('newRequestId', () => {
  test('a UUIDv7: version 7, RFC variant, the millisecond time in the first 48 bits', () => {
    const at = Date.UTC(2026, 11, 3, 12, 0, 0, 123);
    const id = newRequestId(at);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(parseInt(id.slice(0, 8) + id.slice(9, 13), 16), at);
  });

  test('ids sort by time and do not repeat within a millisecond', () => {
    const a = newRequestId(1_000);
    const b = newRequestId(2_000);
    assert.ok(a < b);
    const same = new Set(Array.from({ length: 1000 }, () => newRequestId(5_000)));
    assert.equal(same.size, 1000);
  });
});
