// The compression cache changes no output byte: with a cache (cold, warm, shared by many requests
// and levels, tiny enough to evict constantly) messages and stats (except ms) equal an uncached run;
// returned messages can be mutated without corrupting it; it keeps its byte bound; a growing
// conversation compresses only its new messages.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compressMessages, createCompressionCache } from '../../src/compress/index.js';
import type { ChatMessage, CompressOptions, CompressResult } from '../../src/compress/types.js';
import { allFixtures } from './fixtures.js';

const prose = (topic: string, n: number): string =>
  Array.from({ length: n }, (_, i) =>
    `The ${topic} review, part ${i + 1}, notes that the team measured the ${topic} pipeline for weeks and, after comparing several designs, chose the one that kept latency under 40 ms for order #${4100 + i}.`,
  ).join(' ');

const jsonArray = (n: number): string =>
  JSON.stringify(
    Array.from({ length: n }, (_, i) => ({
      id: 9000 + i,
      name: `item-${i}`,
      owner: { login: 'acme-bot', id: 77, url: 'https://example.com/users/acme-bot', type: 'Bot' },
      tags: ['alpha', 'beta', i % 2 ? 'even' : 'odd'],
      price_usd: 12.5 + i,
    })),
    null,
    2,
  );

const OWNER = { login: 'acme-bot', id: 77, url: 'https://example.com/users/acme-bot', type: 'Bot', site_admin: false };

const logBlock = (n: number): string =>
  Array.from({ length: n }, (_, i) =>
    i === 7
      ? `2025-01-02 10:00:${String(i % 60).padStart(2, '0')} ERROR [db] connection refused host=10.0.0.${i} code=ECONNREFUSED`
      : `2025-01-02 10:00:${String(i % 60).padStart(2, '0')} INFO  [api] GET /v1/things/${i} status=200 latency_ms=${10 + (i % 5)}`,
  ).join('\n');

const codeFence = (name: string): string =>
  '```ts\n' +
  `export function ${name}(xs: number[]): number {\n  let total = 0;\n  for (const x of xs) total += x * 2;\n  return total;\n}\n` +
  '```';

const question = (topic: string): string => `Question: what did the ${topic} review decide about latency?`;

const piece = fc.oneof(
  fc.tuple(fc.constantFrom('billing', 'search', 'storage'), fc.integer({ min: 2, max: 6 })).map(([t, n]) => prose(t, n)),
  fc.integer({ min: 2, max: 6 }).map(jsonArray),
  fc.integer({ min: 5, max: 30 }).map(logBlock),
  fc.constantFrom('sumDouble', 'addAll').map(codeFence),
  fc.constantFrom('billing', 'search').map(question),
  fc.constantFrom('ok', 'Thanks, continue.', ''),
);

const text = fc.array(piece, { minLength: 1, maxLength: 4 }).map((ps) => ps.join('\n\n'));

const message: fc.Arbitrary<ChatMessage> = fc.oneof(
  // a whole-JSON tool result (later ones refer to the JSON of earlier ones)
  fc.record({ role: fc.constantFrom('tool', 'user', 'assistant', 'system'), content: fc.integer({ min: 2, max: 6 }).map(jsonArray) }),
  fc.record({ role: fc.constantFrom('user', 'tool', 'assistant', 'system'), content: text }),
  fc.record({
    role: fc.constantFrom('user', 'tool'),
    content: fc.tuple(text, fc.boolean(), text).map(([a, img, b]) => [
      { type: 'text', text: a },
      ...(img ? [{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] : []),
      { type: 'text', text: b },
    ]),
  }),
  fc.constant({ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_items', arguments: '{"page":2}' } }] }),
);

const conversation = fc.array(message, { minLength: 1, maxLength: 7 });

const options: fc.Arbitrary<CompressOptions> = fc.oneof(
  fc.constantFrom<CompressOptions>({ level: 'lossless' }, { level: 'balanced' }, { level: 'aggressive' }, { level: 'off' }),
  fc.constantFrom<CompressOptions>({ targetRatio: 0.3 }, { targetTokens: 400 }, { level: 'balanced', roles: ['user', 'tool', 'assistant'] }),
);

/** messages and stats as bytes, without the timing */
function bytes(r: CompressResult): string {
  return JSON.stringify({ messages: r.messages, stats: { ...r.stats, ms: 0 } });
}

const clone = <T>(v: T): T => structuredClone(v);

describe('compression cache', () => {
  test('output is byte-identical: cold, warm, shared across requests and levels, tiny (evicting)', () => {
    const shared = createCompressionCache({ maxBytes: 8 * 1024 * 1024 });
    const tiny = createCompressionCache({ maxBytes: 6000 });
    fc.assert(
      fc.property(conversation, options, fc.integer({ min: 0, max: 6 }), (conv, opts, cut) => {
        const expected = bytes(compressMessages(clone(conv), opts));
        const own = createCompressionCache();
        assert.equal(bytes(compressMessages(clone(conv), { ...opts, cache: own })), expected, 'cold');
        assert.equal(bytes(compressMessages(clone(conv), { ...opts, cache: own })), expected, 'warm');
        assert.equal(bytes(compressMessages(clone(conv), { ...opts, cache: shared })), expected, 'shared');
        assert.equal(bytes(compressMessages(clone(conv), { ...opts, cache: tiny })), expected, 'tiny');
        assert.ok(tiny.stats().bytes <= 6000);
        // growing: a prefix first, then the whole conversation
        const grow = createCompressionCache();
        const k = Math.min(cut, conv.length);
        assert.equal(
          bytes(compressMessages(clone(conv.slice(0, k)), { ...opts, cache: grow })),
          bytes(compressMessages(clone(conv.slice(0, k)), opts)),
          'prefix',
        );
        assert.equal(bytes(compressMessages(clone(conv), { ...opts, cache: grow })), expected, 'grown');
        // turn by turn: every request replays the cached prefix, then compresses one new message
        const turns = createCompressionCache();
        const full = compressMessages(clone(conv), opts);
        for (let n = 1; n <= conv.length; n++) {
          const r = compressMessages(clone(conv.slice(0, n)), { ...opts, cache: turns });
          assert.equal(JSON.stringify(r.messages), JSON.stringify(full.messages.slice(0, n)), `turn ${n}`);
          assert.equal(JSON.stringify(r.stats.messages), JSON.stringify(full.stats.messages.slice(0, n)), `turn ${n} stats`);
        }
      }),
      { numRuns: 40, seed: 20261203 },
    );
  });

  test('fixtures at every level share one cache and match uncached runs', () => {
    const cache = createCompressionCache();
    for (const conv of Object.values(allFixtures)) {
      for (const opts of [{ level: 'lossless' }, { level: 'balanced' }, { level: 'aggressive' }, { targetTokens: 500 }] as CompressOptions[]) {
        const expected = bytes(compressMessages(conv, opts));
        for (let k = 1; k <= conv.length; k++) compressMessages(conv.slice(0, k), { ...opts, cache });
        assert.equal(bytes(compressMessages(conv, { ...opts, cache })), expected);
      }
    }
  });

  test('references to JSON and blocks of earlier (cached) messages are identical turn by turn', () => {
    const conv: ChatMessage[] = [
      { role: 'system', content: JSON.stringify({ owner: OWNER, note: 'context' }, null, 2) },
      { role: 'assistant', content: `${logBlock(25)}\n\n${prose('storage', 3)}` },
      { role: 'tool', content: jsonArray(4) },
      { role: 'user', content: `${prose('billing', 4)}\n\n${logBlock(25)}\n\n${question('billing')}` },
      { role: 'tool', content: jsonArray(5) },
      { role: 'user', content: [{ type: 'text', text: `${prose('storage', 3)}\n\n${question('search')}` }, { type: 'image_url', image_url: { url: 'data:,' } }] },
      { role: 'tool', content: jsonArray(6) },
      { role: 'tool', content: JSON.stringify({ user: OWNER, n: 3 }, null, 2) },
    ];
    for (const opts of [{ level: 'lossless' }, { level: 'balanced' }, { targetTokens: 300 }] as CompressOptions[]) {
      const full = compressMessages(conv, opts);
      assert.match(JSON.stringify(full.messages), /\$same|same as message/);
      const cache = createCompressionCache();
      for (let n = 1; n <= conv.length; n++) {
        const r = compressMessages(conv.slice(0, n), { ...opts, cache });
        assert.equal(JSON.stringify(r.messages), JSON.stringify(full.messages.slice(0, n)), `turn ${n}`);
        assert.equal(JSON.stringify(r.stats.messages), JSON.stringify(full.stats.messages.slice(0, n)), `turn ${n} stats`);
      }
    }
  });

  test('mutating returned messages and stats does not corrupt the cache', () => {
    const cache = createCompressionCache();
    for (const conv of Object.values(allFixtures)) {
      const expected = bytes(compressMessages(conv, { level: 'aggressive' }));
      const input = clone(conv);
      const first = compressMessages(input, { level: 'aggressive', cache });
      assert.equal(bytes(first), expected);
      for (const m of first.messages) {
        if (typeof m.content === 'string') m.content = 'MUTATED';
        else if (Array.isArray(m.content)) for (const p of m.content) if (p.type === 'text') p.text = 'MUTATED';
        m.role = 'mutated';
      }
      for (const s of first.stats.messages) {
        s.transforms.push('mutated');
        s.compressedTokens = -1;
      }
      assert.equal(bytes(compressMessages(clone(conv), { level: 'aggressive', cache })), expected);
    }
  });

  test('evictions keep the byte bound', () => {
    const maxBytes = 20_000;
    const cache = createCompressionCache({ maxBytes });
    for (let i = 0; i < 30; i++) {
      const conv: ChatMessage[] = [
        { role: 'system', content: `You are assistant number ${i}.` },
        { role: 'user', content: `${prose('search', 4)} run ${i}\n\n${question('search')}` },
        { role: 'tool', content: jsonArray(3 + (i % 3)) },
      ];
      compressMessages(conv, { level: 'balanced', cache });
      assert.ok(cache.stats().bytes <= maxBytes, `bytes ${cache.stats().bytes}`);
    }
    const s = cache.stats();
    assert.ok(s.evictions > 0);
    assert.ok(s.entries > 0);
    assert.throws(() => createCompressionCache({ maxBytes: -1 }), /non-negative/);
  });

  test('a growing conversation compresses only its new message each turn', () => {
    const cache = createCompressionCache();
    const conv: ChatMessage[] = [{ role: 'system', content: 'You help with operations.' }];
    for (let turn = 0; turn < 12; turn++) {
      conv.push(
        turn % 2 === 0
          ? { role: 'tool', content: turn % 4 === 0 ? jsonArray(4) : logBlock(20 + turn) }
          : { role: 'user', content: `${prose(turn % 3 ? 'billing' : 'storage', 3)}\n\n${question('billing')}` },
      );
      const before = cache.stats();
      compressMessages(conv, { level: 'balanced', cache });
      const after = cache.stats();
      // the first request also stores the system message
      assert.equal(after.misses - before.misses, turn === 0 ? 2 : 1, `turn ${turn}`);
      assert.equal(after.hits - before.hits, conv.length - (turn === 0 ? 2 : 1), `turn ${turn}`);
    }
    assert.equal(bytes(compressMessages(conv, { level: 'balanced', cache })), bytes(compressMessages(conv, { level: 'balanced' })));
  });

  test('messages without a JSON form are compressed uncached, still identically', () => {
    const cache = createCompressionCache();
    const big = { role: 'user', content: `${prose('search', 5)}\n\n${question('search')}`, n: 10n } as unknown as ChatMessage;
    const conv: ChatMessage[] = [big, { role: 'tool', content: jsonArray(4) }];
    const expected = compressMessages(conv, { level: 'balanced' });
    const got = compressMessages(conv, { level: 'balanced', cache });
    assert.deepEqual(got.messages, expected.messages);
    assert.equal(cache.stats().entries, 0);
  });
});
