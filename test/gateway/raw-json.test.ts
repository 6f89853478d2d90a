// src/gateway/raw-json.ts: the scanner of a JSON object's member spans (strings with escapes,
// nesting, whitespace) and the splicing of edits into the client's text — every byte outside an
// edited span must be the client's, and the result must parse to the edited object.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { editBody, editObject, editTopLevel, editedArrayText, scanArray, scanObject } from '../../src/gateway/raw-json.js';

const members = (text: string) => scanObject(text)!.members.map((m) => [m.key, text.slice(m.valueStart, m.end)]);

describe('scanObject', () => {
  test('member keys and value spans, with whitespace everywhere', () => {
    const text = ' \r\n\t{ "a" :\t1 ,\n"b":  [1, {"x": "]}"}, []] , "c":{"d":{"e":null}},"f":true,"g":-1.5e+3 }\n';
    assert.deepEqual(members(text), [
      ['a', '1'],
      ['b', '[1, {"x": "]}"}, []]'],
      ['c', '{"d":{"e":null}}'],
      ['f', 'true'],
      ['g', '-1.5e+3'],
    ]);
    const obj = scanObject(text)!;
    assert.equal(text.slice(obj.start, obj.end), text.trim());
  });

  test('strings with escapes: quotes, backslashes before quotes, unicode; escaped keys are decoded', () => {
    const text = String.raw`{"q":"say \"hi\" {[", "bs":"ends with backslash \\", "bsq":"\\\"", "u":"caf\u00e9 \/", "k\"ey":1, "\u006d":2, "":3}`;
    assert.deepEqual(members(text), [
      ['q', String.raw`"say \"hi\" {["`],
      ['bs', String.raw`"ends with backslash \\"`],
      ['bsq', String.raw`"\\\""`],
      ['u', String.raw`"caf\u00e9 \/"`],
      ['k"ey', '1'],
      ['m', '2'],
      ['', '3'],
    ]);
    const parsed = JSON.parse(text);
    for (const [k, v] of members(text)) assert.deepEqual(JSON.parse(v), parsed[k]);
  });

  test('empty object, nested empty containers, a top-level that is not an object', () => {
    assert.deepEqual(scanObject('{}')!.members, []);
    assert.deepEqual(scanObject('  { }  ')!.members, []);
    assert.deepEqual(members('{"a":{},"b":[],"c":""}'), [['a', '{}'], ['b', '[]'], ['c', '""']]);
    assert.equal(scanObject('[1,2]'), null);
    assert.equal(scanObject('"x"'), null);
    assert.equal(scanObject('{"a" 1}'), null);
    assert.equal(scanObject('{"a":1'), null);
  });

  test('array element spans', () => {
    const text = '[ {"a":"]"} ,2,"x" , [3,[4]] ]';
    const arr = scanArray(text, 0)!;
    assert.deepEqual(arr.elements.map((e) => text.slice(e.start, e.end)), ['{"a":"]"}', '2', '"x"', '[3,[4]]']);
    assert.equal(arr.end, text.length);
    assert.deepEqual(scanArray('[]', 0)!.elements, []);
    assert.equal(scanArray('{}', 0), null);
  });
});

describe('editObject', () => {
  const text = '{\n  "model": "m",\n  "messages": [{"role":"user","content":"hi"}],\n  "seed": 9007199254740993,\n  "opencompress": {"level":"off"},\n  "t": 1.0\n}';

  test('replace one member, remove another: every other byte kept (spacing, 1.0, big integers)', () => {
    const obj = scanObject(text)!;
    const out = editObject(text, obj, { set: new Map([['messages', '[{"role":"user","content":"HI"}]']]), remove: new Set(['opencompress']) });
    assert.equal(out, '{\n  "model": "m",\n  "messages": [{"role":"user","content":"HI"}],\n  "seed": 9007199254740993,\n  "t": 1.0\n}');
  });

  test('removing the first or the last member keeps the separators valid', () => {
    const obj = scanObject(text)!;
    const noFirst = editObject(text, obj, { remove: new Set(['model']) });
    assert.equal(noFirst, '{\n  "messages": [{"role":"user","content":"hi"}],\n  "seed": 9007199254740993,\n  "opencompress": {"level":"off"},\n  "t": 1.0\n}');
    const noLast = editObject(text, obj, { remove: new Set(['t']) });
    assert.equal(noLast, '{\n  "model": "m",\n  "messages": [{"role":"user","content":"hi"}],\n  "seed": 9007199254740993,\n  "opencompress": {"level":"off"}\n}');
    const none = editObject('{"a":1}', scanObject('{"a":1}')!, { remove: new Set(['a']) });
    assert.equal(none, '{}');
  });

  test('prepend, append an absent key, duplicates (the last one wins, as in JSON.parse)', () => {
    const dup = '{"a":1,"messages":[1],"b":2,"messages":[2]}';
    const out = editObject(dup, scanObject(dup)!, { set: new Map([['messages', '[3]'], ['new', '"x"']]), prepend: '"stream_options":{"include_usage":true}' });
    assert.equal(out, '{"stream_options":{"include_usage":true},"a":1,"b":2,"messages":[3],"new":"x"}');
    const first = editObject('{"a":1}', scanObject('{"a":1}')!, { prepend: '"p":0', remove: new Set(['a']) });
    assert.equal(first, '{"p":0}');
    assert.equal(editObject('{ }', scanObject('{ }')!, { prepend: '"p":0' }), '{"p":0 }');
    assert.equal(editObject('{"a":1, "b":2}', scanObject('{"a":1, "b":2}')!, { prepend: '"p":0', remove: new Set(['a']) }), '{"p":0, "b":2}');
  });

  test('editTopLevel keeps what surrounds the object', () => {
    const t = '  {"a":1}\n';
    assert.equal(editTopLevel(t, scanObject(t)!, { set: new Map([['a', '2']]) }), '  {"a":2}\n');
  });

  test('editedArrayText: elements that are the same values keep their bytes, changed ones are serialised', () => {
    const t = '{"messages":[ {"role":"system","content":"keep  1.0"} , {"role":"user","content":"long"} ]}';
    const parsed = JSON.parse(t);
    const member = scanObject(t, 0, 'messages')!.members[0];
    assert.deepEqual(member.elements, scanArray(t, member.valueStart), 'collected in the same pass');
    const next = [parsed.messages[0], { role: 'user', content: 'short' }];
    assert.equal(editedArrayText(t, member.elements, parsed.messages, next), '[ {"role":"system","content":"keep  1.0"} , {"role":"user","content":"short"} ]');
    assert.equal(editedArrayText(t, member.elements, parsed.messages, [next[1]]), '[{"role":"user","content":"short"}]', 'a different length is serialised');
    assert.equal(editedArrayText(t, undefined, parsed.messages, next), JSON.stringify(next), 'no spans: serialised');
  });
});

describe('scanner against JSON.parse (random documents)', () => {
  // a small deterministic PRNG so a failure is reproducible
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const ws = () => pick(['', '', ' ', '\n  ', '\t', '\r\n']);
  const str = () => {
    const parts = ['a', 'é', '"', '\\', '/', '{', '}', '[', ']', ',', ':', ' ', '\u2028', '😀', '\n'];
    let s = '';
    for (let i = Math.floor(rnd() * 6); i > 0; i--) s += pick(parts);
    let out = JSON.stringify(s);
    if (rnd() < 0.3) out = out.replace(/a/g, '\\u0061').replace(/\//g, '\\/');
    return out;
  };
  const value = (depth: number): string => {
    const r = rnd();
    if (depth > 3 || r < 0.4) return pick(['1', '-0.5', '1.0', '9007199254740993', '1e400', 'true', 'false', 'null', str()]);
    if (r < 0.7) {
      const n = Math.floor(rnd() * 4);
      return '[' + ws() + Array.from({ length: n }, () => value(depth + 1)).join(ws() + ',' + ws()) + ws() + ']';
    }
    return object(depth + 1);
  };
  const object = (depth: number): string => {
    const n = Math.floor(rnd() * 5);
    const keys = ['a', 'messages', 'k', 'opencompress', ''];
    return '{' + ws() + Array.from({ length: n }, () => `${rnd() < 0.2 ? str() : JSON.stringify(pick(keys))}${ws()}:${ws()}${value(depth)}`).join(ws() + ',' + ws()) + ws() + '}';
  };

  test('1000 documents: member values parse to the parsed members; edits parse to the edited object', () => {
    for (let i = 0; i < 1000; i++) {
      const text = ws() + object(0) + ws();
      const parsed = JSON.parse(text);
      const obj = scanObject(text, 0, rnd() < 0.5 ? 'messages' : undefined); // half the time collecting `messages` elements
      assert.ok(obj, text);
      const byKey = new Map(obj.members.map((m) => [m.key, m] as const)); // last duplicate wins, as in JSON.parse
      assert.deepEqual([...byKey.keys()].sort(), Object.keys(parsed).sort(), text);
      for (const [k, m] of byKey) assert.deepEqual(JSON.parse(text.slice(m.valueStart, m.end)), parsed[k], text);
      const out = editTopLevel(text, obj, { set: new Map([['messages', '["replaced"]']]), remove: new Set(['opencompress']), prepend: rnd() < 0.5 ? '"p":1' : undefined });
      const expected = { ...parsed, messages: ['replaced'] };
      delete expected.opencompress;
      if (out.includes('"p":1')) expected.p = 1;
      assert.deepEqual(JSON.parse(out), expected, `${text}\n→ ${out}`);
    }
  });
});

describe('editBody', () => {
  const raw = '{ "model": "m", "n": 9007199254740993, "opencompress": {"level":"off"}, "stream_options": {"x": 1.0}, "messages": [{"role":"user","content":"a"}, {"role":"user","content":"b"}] }';
  const parse = () => {
    const body = JSON.parse(raw) as Record<string, unknown> & { messages: unknown[] };
    delete body.opencompress;
    return body;
  };

  test('nothing to edit: the client text; prepended members spliced in after the {', () => {
    assert.equal(editBody(raw, parse(), {}), raw);
    assert.equal(editBody(raw, parse(), { prepend: { a: 1 } }), '{"a":1, "model"' + raw.slice('{ "model"'.length));
  });

  test('messages, remove, prepend and merge in one pass: every other byte the client\'s', () => {
    const body = parse();
    const messages = [body.messages[0], { role: 'user', content: 'B' }];
    const out = editBody(raw, body, { messages, remove: ['opencompress'], prepend: { top: true }, merge: { key: 'stream_options', members: { include_usage: true } } });
    assert.equal(
      out,
      '{"top":true, "model": "m", "n": 9007199254740993, "stream_options": {"x": 1.0,"include_usage":true}, "messages": [{"role":"user","content":"a"}, {"role":"user","content":"B"}] }',
    );
  });

  test('no text kept (or text the scanner does not follow): the edited parse, re-serialised', () => {
    const body = parse();
    const messages = [{ role: 'user', content: 'B' }];
    const edits = { messages, remove: ['opencompress'], prepend: { top: true }, merge: { key: 'stream_options', members: { include_usage: true } } };
    const expected = { top: true, model: 'm', n: 9007199254740992, stream_options: { x: 1, include_usage: true }, messages };
    assert.deepEqual(JSON.parse(editBody(null, body, edits)), expected);
    assert.deepEqual(JSON.parse(editBody('[not an object the scanner follows', body, edits)), expected);
  });
});
