import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { segment, joinSegments } from '../../src/compress/segment.js';

const kinds = (text: string): string[] => segment(text).blocks.map((b) => b.kind);

describe('segment', () => {
  test('joins back to the exact input', () => {
    const samples = [
      'plain prose.\n\n\n  \nmore prose  ',
      '\n\nIntro:\n```js\nconst a = 1;\n```\ntrailing\n\n',
      '{"a": 1}\n',
      'x\n   \n\t\ny',
    ];
    for (const s of samples) {
      const { blocks, separators } = segment(s);
      assert.equal(joinSegments(blocks, separators), s);
    }
  });

  test('recognises fenced code, JSON, logs, tables, markdown, HTML and prose', () => {
    assert.deepEqual(kinds('Look:\n\n```python\ndef f():\n    return 1\n```\n\nThanks.'), ['prose', 'code', 'prose']);
    assert.deepEqual(kinds('{"items": [1, 2, 3], "ok": true}'), ['json']);
    assert.deepEqual(kinds('Result:\n{\n  "id": 7,\n  "name": "x"\n}\nDone.'), ['prose', 'json', 'prose']);
    const log = [
      '2024-01-01 10:00:00 INFO started',
      '2024-01-01 10:00:01 WARN slow disk',
      '2024-01-01 10:00:02 ERROR failed to open /var/x',
    ].join('\n');
    assert.deepEqual(kinds(log), ['log']);
    assert.deepEqual(kinds('| a | b |\n|---|---|\n| 1 | 2 |'), ['table']);
    assert.deepEqual(kinds('# Title\n- one\n- two'), ['markdown']);
    assert.deepEqual(kinds('<div><p>Hello</p></div>'), ['html']);
    assert.deepEqual(kinds('Just a sentence. And another one.'), ['prose']);
  });

  test('unfenced code and numbered listings are code (never prose)', () => {
    const py = 'import os\n\ndef main(argv):\n    x = parse(argv)\n    return x\n\nclass A:\n    pass';
    assert.ok(kinds(py).every((k) => k === 'code'));
    const listing = '[File: /repo/a.py (10 lines total)]\n1:import os\n2:def f(x):\n3:    return x + 1';
    assert.ok(kinds(listing).includes('code'));
    assert.ok(!kinds(listing).includes('markdown'));
  });

  test('JSON Lines are a log stream', () => {
    const jsonl = Array.from({ length: 5 }, (_, i) => JSON.stringify({ ts: `2024-01-01T00:00:0${i}Z`, level: 'info', msg: `request ${i} handled` })).join('\n');
    assert.deepEqual(kinds(`Here are the logs:\n${jsonl}\nThanks.`), ['prose', 'log', 'prose']);
  });

  test('CSV and TSV rows are a table (never sentence selection)', () => {
    assert.deepEqual(kinds('name,age,city\nAda,36,London\nLin,41,Taipei\nSam,29,Austin'), ['table']);
    assert.deepEqual(kinds('a\tb\tc\n1\t2\t3\n4\t5\t6'), ['table']);
  });

  test('a titled passage of prose is not mistaken for code', () => {
    const t = 'Passage 2 (Computational complexity theory):\nMany important complexity classes can be defined by bounding the time used.\n\nPassage 3 (Other):\nThis motivates the definition.';
    assert.deepEqual(kinds(t), ['prose']);
  });

  test('never throws on odd input', () => {
    for (const s of ['', '[', '{"a":', '```', '\uD800', '\n'.repeat(1000), '[[[[[[' + ']'.repeat(3)]) {
      const { blocks, separators } = segment(s);
      assert.equal(joinSegments(blocks, separators), s);
    }
  });
});
