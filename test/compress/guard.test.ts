import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { checkSpans } from '../../src/compress/guard.js';
import { countSpans, queryEntities, isProtectedWord } from '../../src/compress/protect.js';

describe('protected spans', () => {
  test('finds numbers with units, dates, URLs, e-mails, paths, identifiers, code, quotes, negations', () => {
    const text =
      'On 2024-03-05 we paid $20 per seat, 512MB used; see https://x.test/a?b=1 or mail ops@x.test. ' +
      'Edit src/app/main.ts and call loadConfig with max_retries via Foo.bar; run `npm test`; he said "do it" but did not.';
    const spans = countSpans(text);
    for (const s of ['2024-03-05', '$20 per', '512MB', 'https://x.test/a?b=1', 'ops@x.test', '/app/main.ts', 'loadConfig', 'max_retries', 'Foo.bar', '`npm test`', '"do it"', 'not']) {
      assert.ok(spans.has(s), `missing ${s}`);
    }
  });

  test('query entities: capitalised names inside the question, quoted strings', () => {
    const e = queryEntities('What did the Project Manager say about "spongy remotes" in Berlin?');
    assert.ok(e.includes('Project Manager'));
    assert.ok(e.includes('spongy remotes'));
    assert.ok(e.includes('Berlin'));
    assert.ok(!e.includes('What'));
  });

  test('isProtectedWord keeps negations, numbers, identifiers, names and query terms', () => {
    const q = new Set(['battery']);
    for (const w of ['not', "don't", '42', 'snake_case', 'camelCase', 'Berlin', 'battery']) assert.ok(isProtectedWord(w, q), w);
    assert.ok(!isProtectedWord('um', q));
  });
});

describe('guard', () => {
  test('passes when every span of the kept text survives', () => {
    assert.ok(checkSpans('We need 4 gallons. Filler sentence here.', 'We need 4 gallons.', ['Filler sentence here.'], []).ok);
  });

  test('fails when a span inside a kept unit is broken', () => {
    const g = checkSpans('Set max_retries to 5 now.', 'Set max retries to now.', [], []);
    assert.equal(g.ok, false);
    assert.ok(g.lost);
  });

  test('spans of omitted units may go, others may not', () => {
    const input = 'Port 8080 is open. Port 9090 is closed.';
    assert.ok(checkSpans(input, 'Port 8080 is open.', ['Port 9090 is closed.'], []).ok);
    assert.equal(checkSpans(input, 'Port 8080 is open.', [], []).ok, false);
  });

  test('a bold number that loses its markup still counts ("**42** users" → "42 users")', () => {
    assert.ok(checkSpans('We have **42** users.', 'We have 42 users.', ['**'], []).ok);
    assert.equal(checkSpans('We need 5 gallons.', 'We need 5 litres.', [], []).ok, false);
  });

  test('negations count: dropping a "not" in a kept sentence fails', () => {
    assert.equal(checkSpans('It is not safe.', 'It is safe.', [], []).ok, false);
  });

  test('structured mode (JSON/logs) checks presence, not counts', () => {
    const input = '[{"id": 1, "url": "https://a.test"}, {"id": 2, "url": "https://b.test"}]';
    const table = '{"$table":["id","url"],"rows":[[1,"https://a.test"],[2,"https://b.test"]]}';
    assert.ok(checkSpans(input, table, [], [], true).ok);
    assert.equal(checkSpans(input, '{"$table":["id","url"],"rows":[[1,"https://a.test"]]}', [], [], true).ok, false);
  });
});
