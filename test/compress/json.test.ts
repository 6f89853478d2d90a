// Tests of the JSON transform: exact minify, table and $same encodings that read back to the same
// value, sampling and pruning at the lossy levels, validity, never growing, never throwing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { JsonHistory, decodeJsonTable, isJson, json } from '../../src/compress/transforms/json.js';
import { parseJson, serialize } from '../../src/compress/transforms/json-syntax.js';
import type { Block, TransformContext } from '../../src/compress/types.js';

function ctx(level: TransformContext['level'], keep: number, query = ''): TransformContext {
  const terms = new Set(query.toLowerCase().split(/[^a-z0-9_]+/).filter((w) => w.length >= 3));
  return { level, keep, query, queryTerms: terms, role: 'tool' };
}
const LOSSLESS = ctx('lossless', 1);
const run = (text: string, c: TransformContext = LOSSLESS): Block => json({ kind: 'json', text }, c);
const pretty = (v: unknown): string => JSON.stringify(v, null, 2);
const pad2 = (n: number): string => String(n).padStart(2, '0');

function users(n: number): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({
    id: 1000 + i,
    login: `user-${i}`,
    role: i % 3 === 0 ? 'admin' : 'member',
    active: i % 2 === 0,
    profile: { city: `City ${i % 5}`, score: i * 1.5 },
  }));
}

describe('json transform, lossless', () => {
  test('minifies and keeps every number and string exactly as written', () => {
    const text = '{\n  "price": 1.50,\n  "big": 12345678901234567890,\n  "exp": 1E+5,\n  "s": "caf\\u00e9 \\"q\\" \\/"\n}';
    const out = run(text).text;
    assert.equal(out, '{"price":1.50,"big":12345678901234567890,"exp":1E+5,"s":"caf\\u00e9 \\"q\\" \\/"}');
  });

  test('an array of same-shape objects becomes a table that decodes to the same value', () => {
    const value = { users: users(6), total: 6 };
    const out = run(pretty(value)).text;
    assert.match(out, /"\$table":\["id","login","role","active",\{"profile":\["city","score"\]\}\],"rows":\[\[1000,"user-0","admin",true,"City 0",0\]/);
    assert.deepEqual(JSON.parse(out).users.$table, ['id', 'login', 'role', 'active', { profile: ['city', 'score'] }]);
    assert.deepEqual(decodeJsonTable(out), value);
  });

  test('nested same-shape objects are flattened into the header; their keys are written once', () => {
    const value = Array.from({ length: 4 }, (_, i) => ({
      id: i,
      owner: { login: `dev-${i}`, id: 500 + i, plan: { name: `tier-${i}`, seats: i * 2 } },
      url: `https://api.example.com/items/${i}`,
    }));
    const out = run(pretty(value)).text;
    assert.match(out, /^\{"\$table":\["id",\{"owner":\["login","id",\{"plan":\["name","seats"\]\}\]\},"url"\],"rows":\[\[0,"dev-0",500,"tier-0",0,"https:/);
    assert.equal((out.match(/"login"/g) ?? []).length, 1);
    assert.deepEqual(decodeJsonTable(out), value);
  });

  test('a column with the same value in every row is written once as ["key",value]', () => {
    const value = {
      object: 'list',
      data: Array.from({ length: 5 }, (_, i) => ({
        id: `ch_${i}`,
        object: 'charge',
        amount: 100 * i,
        livemode: false,
        metadata: {},
        currency: 'usd',
        customer: { id: 'cus_9', url: 'https://api.example.com/v1/customers/cus_9/with/a/long/path/segment', email: 'a@example.com' },
      })),
    };
    const out = run(pretty(value)).text;
    const header = JSON.parse(out).data.$table;
    assert.deepEqual(header.slice(0, 6), ['id', ['object', 'charge'], 'amount', ['livemode', false], ['metadata', {}], ['currency', 'usd']]);
    // an identical long object in every row: all its leaves are constant, nothing left in the rows
    assert.deepEqual(header[6], { customer: [['id', 'cus_9'], ['url', value.data[0].customer.url], ['email', 'a@example.com']] });
    assert.deepEqual(JSON.parse(out).data.rows[1], ['ch_1', 100]);
    assert.equal((out.match(/customers\/cus_9/g) ?? []).length, 1);
    assert.deepEqual(decodeJsonTable(out), value);
  });

  test('two same-shape objects already make a table when it is shorter', () => {
    const value = { statuses: [0, 1].map((i) => ({ state: i ? 'failure' : 'success', description: `check ${i}`, target_url: `https://ci.example.com/build/${i}`, context: `ci/${i}`, created_at: `2024-01-0${i + 1}T00:00:00Z` })) };
    const out = run(pretty(value)).text;
    assert.match(out, /"statuses":\{"\$table":\["state","description","target_url","context","created_at"\]/);
    assert.deepEqual(decodeJsonTable(out), value);
  });

  test('arrays of objects in a column share one header across rows, even with one item per row', () => {
    const value = Array.from({ length: 5 }, (_, i) => ({
      pod: `web-${i}`,
      conditions: i === 3 ? [] : [{ type: 'Ready', status: i % 2 ? 'True' : 'False', lastTransitionTime: `2024-05-0${i + 1}T10:00:00Z` }],
      containers: [{ name: 'app', image: `registry.example.com/app:${i}` }, { name: 'sidecar', image: 'registry.example.com/proxy:1.2', extra: true }],
    }));
    const out = run(pretty(value)).text;
    const header = JSON.parse(out).$table;
    assert.deepEqual(header[1], { conditions: { $table: [['type', 'Ready'], 'status', 'lastTransitionTime'] } });
    assert.deepEqual(JSON.parse(out).rows[3][1], []);
    assert.equal((out.match(/"lastTransitionTime"/g) ?? []).length, 1);
    assert.deepEqual(decodeJsonTable(out), value);
  });

  test('items of another shape stay objects inside the rows of the most common shape', () => {
    const value = Array.from({ length: 6 }, (_, i) => {
      const issue: Record<string, unknown> = { number: i, title: `Issue ${i}`, state: i % 2 ? 'open' : 'closed', comments: i * 3 };
      if (i === 2) issue.pull_request = { url: `https://api.example.com/pulls/${i}` };
      return issue;
    });
    const out = run(pretty(value)).text;
    const rows = JSON.parse(out).rows as unknown[];
    assert.deepEqual(rows[2], value[2]);
    assert.deepEqual(rows[3], [3, 'Issue 3', 'open', 9]);
    assert.deepEqual(decodeJsonTable(out), value);
  });

  test('$same references are pointers into the document as written, tables included', () => {
    const author = { login: 'octo-user', id: 7, html_url: 'https://example.com/octo-user/profile/page/with/a/longer/path/here' };
    const value = { items: [1, 2, 3].map((n) => ({ n, author: { ...author, id: n } })), reviewer: { ...author, id: 2 }, again: author };
    const out = run(pretty(value)).text;
    assert.match(out, /\{"\$same":"#\/items\/\$table\//);
    assert.deepEqual(decodeJsonTable(out), value);
  });

  test('arrays that are not same-shape, or shorter than 3, stay arrays', () => {
    const mixed = [{ a: 1, b: 2 }, { b: 2, a: 1 }, { a: 3, b: 4 }];
    assert.equal(run(JSON.stringify(mixed, null, 1)).text, JSON.stringify(mixed));
    const two = [{ a: 1 }, { a: 2 }];
    assert.equal(run(pretty(two)).text, JSON.stringify(two));
  });

  test('nested same-shape arrays become nested tables; decode restores them', () => {
    const value = [1, 2, 3].map((g) => ({ group: g, members: users(4).map((u) => ({ ...u, id: g * 100 + (u.id as number) })) }));
    const out = run(pretty(value)).text;
    // the members of every group share one header: {"members":{"$table":[…]}}, each cell its rows
    assert.equal((out.match(/"\$table"/g) ?? []).length, 2);
    assert.match(out, /^\{"\$table":\["group",\{"members":\{"\$table":\["id","login","role","active",\{"profile":\["city","score"\]\}\]\}\}\],"rows":\[\[1,\[\[1100,"user-0","admin",true,"City 0",0\],/);
    assert.deepEqual(decodeJsonTable(out), value);
  });

  test('a repeated object is written once and referenced with $same', () => {
    const owner = { login: 'acme-org', id: 42, url: 'https://api.example.com/orgs/acme-org', type: 'Organization' };
    const value = { name: 'repo', owner, organization: owner, parent: { owner } };
    const out = run(pretty(value)).text;
    assert.match(out, /"organization":\{"\$same":"#\/owner"\}/);
    assert.match(out, /"parent":\{"owner":\{"\$same":"#\/owner"\}\}/);
    assert.deepEqual(decodeJsonTable(out), value);
  });

  test('JSON Schema $ref objects are left alone and read back unchanged', () => {
    const schema = { definitions: { a: { type: 'string' } }, properties: { x: { $ref: '#/definitions/a' }, y: { $ref: '#/definitions/a' } } };
    const out = run(pretty(schema)).text;
    assert.deepEqual(JSON.parse(out), schema);
    assert.deepEqual(decodeJsonTable(out), schema);
  });

  test('input that already uses the marker keys is only minified', () => {
    const value = { $table: ['a'], rows: [[1]], list: users(4) };
    const out = run(pretty(value)).text;
    assert.equal(out, JSON.stringify(value));
  });

  test('keys named __proto__ survive a table round trip', () => {
    const text = '[{"__proto__":1,"b":2},{"__proto__":3,"b":4},{"__proto__":5,"b":6}]';
    const out = run(text).text;
    assert.deepEqual(decodeJsonTable(out), JSON.parse(text));
  });

  test('already minimal JSON comes back as the same block', () => {
    const block: Block = { kind: 'json', text: '{"a":1,"b":[1,2]}' };
    assert.equal(json(block, LOSSLESS), block);
  });

  test('invalid JSON is returned unchanged', () => {
    for (const text of ['{"a":1,}', '{a:1}', '[1, 2', "{'a': 1}", 'not json at all', '', '{"a":"\u0001"}']) {
      assert.equal(run(text).text, text);
    }
  });

  test('very deep nesting is minified without recursion errors', () => {
    const depth = 20000;
    const text = '['.repeat(depth) + ' 1 ' + ']'.repeat(depth);
    const out = run(text).text;
    assert.equal(out, '['.repeat(depth) + '1' + ']'.repeat(depth));
    assert.ok(Array.isArray(decodeJsonTable(out)));
  });

  test('JSON Lines are minified line by line', () => {
    const text = '{ "level": "info", "msg": "a" }\n{ "level": "error", "msg": "b" }\n';
    assert.equal(run(text).text, '{"level":"info","msg":"a"}\n{"level":"error","msg":"b"}');
  });

  test('JSON Lines logs are folded like logs at the lossy levels, error records kept whole', () => {
    const lines = Array.from({ length: 60 }, (_, i) =>
      JSON.stringify({ level: i === 33 ? 'error' : 'info', time: `2024-05-01T12:00:${pad2(i)}.123Z`, reqId: `req-${1000 + i}`, msg: i === 33 ? 'payment provider unreachable' : 'request completed' }),
    );
    const text = lines.join('\n');
    const block = json({ kind: 'json', text }, ctx('aggressive', 0.3));
    assert.ok(block.text.length < text.length * 0.3);
    assert.ok(block.text.split('\n').includes(lines[33]));
    assert.match(block.text, /\[\+\d+ similar\]/);
    assert.equal(run(text).text, text); // lossless: already minified JSON Lines stay as they are
  });

  test('isJson recognises objects and arrays only', () => {
    assert.equal(isJson('  {"a": 1}\n'), true);
    assert.equal(isJson('[1,2]'), true);
    assert.equal(isJson('"a string"'), false);
    assert.equal(isJson('42'), false);
    assert.equal(isJson('{"a": 1'), false);
    assert.equal(isJson('hello'), false);
  });

  test('decodeJsonTable throws a SyntaxError on non-JSON', () => {
    assert.throws(() => decodeJsonTable('{nope'), SyntaxError);
  });
});

describe('json transform, references to earlier messages', () => {
  const user = { login: 'octo-dev', id: 4242, html_url: 'https://example.com/octo-dev', type: 'User', site_admin: false };
  const issue = (n: number): Record<string, unknown> => ({ number: n, title: `Issue ${n}`, user, labels: [{ name: 'bug', color: 'd73a4a', default: true, description: 'Something is broken' }] });

  /** Compress texts in order as a pipeline would: each sent text is remembered under its label. */
  function conversation(texts: string[], c: TransformContext = LOSSLESS): { sent: Map<string, string>; blocks: Block[] } {
    const history = new JsonHistory();
    const sent = new Map<string, string>();
    const blocks = texts.map((text, i) => {
      const block = json({ kind: 'json', text }, { ...c, jsonHistory: history } as TransformContext);
      history.remember(block.text, `message ${i + 1}`);
      sent.set(`message ${i + 1}`, block.text);
      return block;
    });
    return { sent, blocks };
  }
  const resolver = (sent: Map<string, string>) => (label: string) => (sent.has(label) ? JSON.parse(sent.get(label) as string) : undefined);

  test('an object sent in an earlier message becomes {"$same":"message N#/…"}; decode with the earlier texts restores it', () => {
    const texts = [pretty(issue(1)), pretty(issue(2))];
    const { sent, blocks } = conversation(texts);
    assert.equal(blocks[0].text, JSON.stringify(issue(1)));
    assert.match(blocks[1].text, /"user":\{"\$same":"message 1#\/user"\}/);
    assert.match(blocks[1].text, /"labels":\{"\$same":"message 1#\/labels"\}/);
    assert.deepEqual(blocks[1].omitted, [JSON.stringify(user), JSON.stringify(issue(2).labels)]);
    assert.deepEqual(decodeJsonTable(blocks[1].text, resolver(sent)), issue(2));
    // without the earlier texts the reference stays as written (still valid JSON)
    assert.deepEqual((decodeJsonTable(blocks[1].text) as { user: unknown }).user, { $same: 'message 1#/user' });
    // without a history, nothing refers outside the value
    assert.equal(run(texts[1]).text, JSON.stringify(issue(2)));
  });

  test('a whole earlier value is `message N#`; pointers go into the earlier text as written (tables)', () => {
    const big = { body: 'a long body that is kept as one object in a plain column of the table', k: 2 };
    const list = [1, 2, 3].map((n) => ({ n, meta: n === 2 ? big : { other: n } }));
    const texts = [pretty(user), pretty({ assignee: user, note: 'x' }), pretty(list), pretty({ again: big })];
    const { sent, blocks } = conversation(texts);
    assert.match(blocks[1].text, /^\{"assignee":\{"\$same":"message 1#"\}/);
    assert.match(blocks[2].text, /^\{"\$table":\["n","meta"\]/);
    assert.equal(blocks[3].text, '{"again":{"$same":"message 3#/rows/1/1"}}');
    texts.forEach((t, i) => assert.deepEqual(decodeJsonTable(blocks[i].text, resolver(sent)), JSON.parse(t)));
  });

  test('rememberMessage labels string content "message N" and JSON text parts "message N part K"', () => {
    const h = new JsonHistory();
    h.rememberMessage({ role: 'tool', content: pretty(user) }, 2);
    h.rememberMessage({ role: 'tool', content: [{ type: 'image_url', image_url: { url: 'x' } }, { type: 'text', text: pretty({ list: [issue(1)] }) }] } as never, 4);
    const out = json({ kind: 'json', text: pretty({ who: user, first: issue(1).labels }) }, { ...LOSSLESS, jsonHistory: h } as TransformContext).text;
    assert.equal(out, '{"who":{"$same":"message 3#"},"first":{"$same":"message 5 part 2#/list/0/labels"}}');
  });

  test('subtrees that hold a reference themselves are not remembered', () => {
    const h = new JsonHistory();
    h.remember(JSON.stringify({ a: { inner: { $same: '#/b' }, pad: 'x'.repeat(90) }, b: 'y'.repeat(90) }), 'message 1');
    const probe = parseJson(JSON.stringify({ inner: { $same: '#/b' }, pad: 'x'.repeat(90) }));
    assert.ok(probe);
    assert.equal(h.find(probe.node, 0), undefined);
    h.remember('not json', 'message 2');
    h.remember('{"a":1}', 'bad#label');
  });

  test('random values with arbitrary keys (~, /, __proto__, $) reused across messages round-trip', () => {
    const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'a/b', 'x~1', '~', '', 'constructor', '$x'));
    const leaf = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant('a string that is long enough to be repeated as a reference somewhere'));
    const obj = fc.dictionary(key, leaf, { maxKeys: 5 });
    fc.assert(
      fc.property(fc.array(obj, { minLength: 1, maxLength: 4 }), fc.array(fc.array(fc.nat(3), { maxLength: 5 }), { minLength: 1, maxLength: 4 }), (pool, picks) => {
        // each message: an array of objects picked from a shared pool (repeats within and across messages)
        const texts = picks.map((p) => pretty(p.map((j) => pool[j % pool.length])));
        const { sent, blocks } = conversation(texts);
        blocks.forEach((b, i) => {
          assert.ok(b.text.length <= texts[i].length);
          assert.deepEqual(decodeJsonTable(b.text, resolver(sent)), JSON.parse(texts[i]));
        });
      }),
      { numRuns: 300 },
    );
  });

  test('random conversations round-trip with the earlier texts; outputs never grow', () => {
    const shared = fc.constantFrom(
      { login: 'alpha-user-with-a-long-name', id: 1, url: 'https://api.example.com/users/alpha-user-with-a-long-name' },
      { login: 'beta-user-with-a-long-name', id: 2, url: 'https://api.example.com/users/beta-user-with-a-long-name' },
      [1, 2, 3, 'a list that is long enough to be referenced across messages, yes'],
    );
    const value = fc.oneof(
      fc.record({ id: fc.integer(), owner: shared, extra: fc.jsonValue({ maxDepth: 2 }) }),
      fc.array(fc.record({ id: fc.integer(), owner: shared }), { maxLength: 5 }),
      shared,
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 5 }), fc.constantFrom(LOSSLESS, ctx('balanced', 0.5)), (values, c) => {
        const texts = values.map((v) => pretty(v));
        const { sent, blocks } = conversation(texts, c);
        blocks.forEach((b, i) => {
          assert.ok(b.text.length <= texts[i].length);
          if (c.level === 'lossless') assert.deepEqual(decodeJsonTable(b.text, resolver(sent)), JSON.parse(texts[i]));
        });
      }),
      { numRuns: 150 },
    );
  });
});

describe('json transform, lossy levels', () => {
  function events(n: number): Array<Record<string, unknown>> {
    return Array.from({ length: n }, (_, i) => ({
      id: `evt-${i}`,
      status: 200,
      path: `/api/items/${i}`,
      latency_ms: 20 + (i % 7),
      message: 'request served',
    }));
  }

  test('a large array keeps first, last, error-like, query-matching and outlier items, and counts the rest', () => {
    const items = events(200);
    items[57] = { ...items[57], status: 503, message: 'upstream failed' };
    items[120] = { ...items[120], path: '/api/checkout/zebra' };
    items[150] = { ...items[150], latency_ms: 98000 };
    const block = json({ kind: 'json', text: pretty({ items }) }, ctx('balanced', 0.3, 'why did zebra checkout break'));
    const decoded = decodeJsonTable(block.text) as { items: Array<Record<string, unknown>> };
    const kept = decoded.items.filter((x) => !('$omitted' in x));
    const notes = decoded.items.filter((x) => '$omitted' in x) as Array<{ $omitted: number }>;
    const ids = kept.map((x) => x.id);
    for (const id of ['evt-0', 'evt-199', 'evt-57', 'evt-120', 'evt-150']) assert.ok(ids.includes(id), id);
    assert.equal(kept.length + notes.reduce((a, x) => a + x.$omitted, 0), 200);
    assert.ok(kept.length <= 70, `kept ${kept.length}`);
    assert.equal(block.omitted?.length, 200 - kept.length);
    // kept items are untouched
    assert.deepEqual(kept.find((x) => x.id === 'evt-57'), items[57]);
    // order is preserved
    const positions = kept.map((x) => Number(String(x.id).slice(4)));
    assert.deepEqual(positions, [...positions].sort((a, b) => a - b));
  });

  test('lossless level never samples', () => {
    const text = pretty(events(100));
    assert.deepEqual(decodeJsonTable(run(text).text), JSON.parse(text));
  });

  test('balanced samples only huge arrays; aggressive also medium ones', () => {
    const text = pretty(events(12));
    assert.deepEqual(decodeJsonTable(json({ kind: 'json', text }, ctx('balanced', 0.3)).text), JSON.parse(text));
    const out = decodeJsonTable(json({ kind: 'json', text }, ctx('aggressive', 0.3)).text) as Array<Record<string, unknown>>;
    assert.ok(out.some((x) => '$omitted' in x));
  });

  test('small arrays are not sampled', () => {
    const text = pretty(events(6));
    assert.deepEqual(decodeJsonTable(json({ kind: 'json', text }, ctx('aggressive', 0.3)).text), JSON.parse(text));
  });

  test('URL templates are dropped at balanced, empty fields at aggressive, plain URLs never', () => {
    const value = {
      id: 7,
      url: 'https://api.example.com/repos/a/b',
      keys_url: 'https://api.example.com/repos/a/b/keys{/key_id}',
      description: null,
      topics: [],
      homepage: '',
      archived: false,
    };
    const balanced = JSON.parse(json({ kind: 'json', text: pretty(value) }, ctx('balanced', 0.5)).text);
    assert.deepEqual(balanced, { id: 7, url: value.url, description: null, topics: [], homepage: '', archived: false });
    const block = json({ kind: 'json', text: pretty(value) }, ctx('aggressive', 0.3));
    assert.deepEqual(JSON.parse(block.text), { id: 7, url: value.url, archived: false });
    assert.ok(block.omitted?.some((x) => x.startsWith('"keys_url":')));
  });

  test('aggressive drops link fields derived from another URL of the object, never the base or id paths', () => {
    const value = {
      url: 'https://api.example.com/repos/acme/widgets',
      html_url: 'https://example.com/acme/widgets',
      forks_url: 'https://api.example.com/repos/acme/widgets/forks',
      pulls_url: 'https://api.example.com/repos/acme/widgets/pulls/open',
      issue_url: 'https://api.example.com/repos/acme/widgets/issues/12',
      other_url: 'https://cdn.example.com/acme/widgets/logo.png',
      name: 'widgets',
    };
    const block = json({ kind: 'json', text: pretty(value) }, ctx('aggressive', 0.3));
    const out = JSON.parse(block.text);
    assert.deepEqual(Object.keys(out), ['url', 'html_url', 'issue_url', 'other_url', 'name']);
    assert.equal(out.issue_url, value.issue_url);
    assert.ok(block.omitted?.includes('"forks_url":"https://api.example.com/repos/acme/widgets/forks"'));
    // balanced keeps them
    assert.deepEqual(JSON.parse(json({ kind: 'json', text: pretty(value) }, ctx('balanced', 0.5)).text), value);
  });

  test('sampling is deterministic', () => {
    const text = pretty({ items: events(300) });
    const c = ctx('aggressive', 0.3, 'items');
    assert.equal(json({ kind: 'json', text }, c).text, json({ kind: 'json', text }, c).text);
  });
});

describe('json transform, properties', () => {
  const levels: TransformContext[] = [LOSSLESS, ctx('balanced', 0.5, 'alpha error'), ctx('aggressive', 0.3)];

  test('random JSON: output is valid, never longer; lossless decodes to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.boolean(), (value, indent) => {
        const text = indent ? JSON.stringify(value, null, 2) : JSON.stringify(value);
        for (const c of levels) {
          const out = json({ kind: 'json', text }, c).text;
          assert.ok(out.length <= text.length);
          JSON.parse(out);
          decodeJsonTable(out);
          if (c.level === 'lossless') assert.deepEqual(decodeJsonTable(out), JSON.parse(text));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('random arrays of records round-trip through tables and references', () => {
    const record = fc.record({ id: fc.integer(), name: fc.string(), tags: fc.array(fc.string(), { maxLength: 3 }), meta: fc.constantFrom({ a: 1, b: 'same-object-repeated-across-records-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' }, null) });
    fc.assert(
      fc.property(fc.array(record, { minLength: 0, maxLength: 30 }), (arr) => {
        const text = JSON.stringify(arr, null, 2);
        const out = json({ kind: 'json', text }, LOSSLESS).text;
        assert.deepEqual(decodeJsonTable(out), JSON.parse(text));
      }),
      { numRuns: 200 },
    );
  });

  test('random records with optional keys, nested objects and repeated values round-trip; numbers keep their text', () => {
    const numText = fc.constantFrom('1.50', '12345678901234567890', '1E+5', '-0', '0.000', '7');
    const nested = fc.oneof(fc.record({ a: fc.integer({ min: 0, max: 2 }), b: fc.constantFrom('x', 'y') }), fc.constant(null), fc.record({ a: fc.integer() }));
    const record = fc.record(
      {
        id: fc.integer(),
        kind: fc.constantFrom('user', 'user', 'bot'),
        n: numText,
        tags: fc.constantFrom([], ['a']),
        owner: nested,
        extra: fc.string({ maxLength: 5 }),
        items: fc.array(fc.record({ x: fc.integer({ min: 0, max: 3 }), y: fc.constantFrom('p', 'q'), z: nested }, { requiredKeys: ['x'] }), { maxLength: 3 }),
      },
      { requiredKeys: ['id', 'kind', 'n', 'owner', 'items'] },
    );
    fc.assert(
      fc.property(fc.array(record, { minLength: 0, maxLength: 12 }), fc.boolean(), (arr, indent) => {
        // numbers written as raw text (1.50, big integers) to check that their source text survives
        const text = '[' + arr.map(({ n, ...r }) => JSON.stringify(r, null, indent ? 2 : undefined).replace(/^\{/, `{"n":${n}${Object.keys(r).length ? ',' : ''}`)).join(',') + ']';
        const out = json({ kind: 'json', text }, LOSSLESS).text;
        assert.ok(out.length <= text.length);
        assert.deepEqual(decodeJsonTable(out), JSON.parse(text));
        for (const { n } of arr) assert.ok(out.includes(n), n);
      }),
      { numRuns: 300 },
    );
  });

  test('arbitrary strings never throw and never grow', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        for (const c of levels) assert.ok(json({ kind: 'json', text }, c).text.length <= text.length);
      }),
      { numRuns: 300 },
    );
  });

  test('the parser agrees with JSON.parse on acceptance', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string({ unit: 'grapheme-ascii', maxLength: 40 })), (text) => {
        let ok = true;
        try {
          JSON.parse(text);
        } catch {
          ok = false;
        }
        const p = parseJson(text);
        assert.equal(p !== null, ok, text);
        if (p) assert.deepEqual(JSON.parse(serialize(p.node)), JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });
});
