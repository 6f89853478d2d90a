// Tests of the logs transform: lossless folding keeps every value, lossy levels keep every error,
// warning and stack-trace line, the counts of what was left out are right, and it never throws,
// never grows and is deterministic.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { logs, looksLikeLog } from '../../src/compress/transforms/logs.js';
import { lineSeverity, lineShape } from '../../src/compress/transforms/log-templates.js';
import type { Block, TransformContext } from '../../src/compress/types.js';

function ctx(level: TransformContext['level'], keep: number, query = ''): TransformContext {
  const terms = new Set(query.toLowerCase().split(/[^a-z0-9_]+/).filter((w) => w.length >= 3));
  return { level, keep, query, queryTerms: terms, role: 'tool' };
}
const LOSSLESS = ctx('lossless', 1);
const run = (text: string, c: TransformContext = LOSSLESS): Block => logs({ kind: 'log', text }, c);
/** The line is in `out` as is, or written under a prefix header (`header` line, then `  rest`). */
function keptUnderPrefix(out: string, line: string): boolean {
  const outLines = out.split('\n');
  if (outLines.some((l) => l === line || l.startsWith(line + ' [×'))) return true;
  return outLines.some((h, k) => line.startsWith(h + ' ') && outLines.slice(k + 1).some((l) => l === '  ' + line.slice(h.length + 1)));
}
/** Column padding (runs of spaces between words) is normalised to one space by the transform. */
const squash = (line: string): string => line.replace(/(\S)[ \t]{2,}(?=\S)/g, '$1 ').trimEnd();
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const ts = (s: number): string => `2024-03-05 10:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)},${pad((s * 37) % 1000, 3)}`;

/** A synthetic service log: request lines, cache lines, a few warnings, errors and a stack trace. */
function serviceLog(): { text: string; errors: string[]; warnings: string[]; stack: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  const stack = [
    'java.lang.IllegalStateException: pool exhausted',
    '\tat com.acme.db.Pool.acquire(Pool.java:88)',
    '\tat com.acme.api.OrderService.place(OrderService.java:142)',
    'Caused by: java.net.SocketTimeoutException: connect timed out',
    '\t... 12 more',
  ];
  for (let i = 0; i < 300; i++) {
    lines.push(`${ts(i)} INFO  [http-nio-8080-exec-${i % 8}] c.a.api.Access - GET /api/orders/${5000 + i} 200 ${12 + (i % 9)}ms req=${(0xabc000 + i).toString(16)}`);
    if (i % 10 === 0) lines.push(`${ts(i)} DEBUG [cache-refresh] c.a.cache.Loader - refreshed ${40 + i} entries`);
    if (i === 77) {
      const w = `${ts(i)} WARN  [http-nio-8080-exec-3] c.a.api.RateLimit - client 10.0.0.${i} over quota, retrying`;
      lines.push(w);
      warnings.push(w);
    }
    if (i === 150) {
      const e = `${ts(i)} ERROR [http-nio-8080-exec-5] c.a.api.OrderService - order ORD-99172 failed: code=E4021`;
      lines.push(e, ...stack);
      errors.push(e);
    }
    if (i === 222) {
      const e = `${ts(i)} FATAL [main] c.a.Boot - shutting down after 3 consecutive failures`;
      lines.push(e);
      errors.push(e);
    }
  }
  return { text: lines.join('\n'), errors, warnings, stack };
}

describe('logs transform, lossless', () => {
  test('identical consecutive lines are folded with a count; trailing white space goes', () => {
    const text = ['boot ok', 'GET /health 200', 'GET /health 200  ', 'GET /health 200\r', 'GET /health 200', 'done'].join('\n');
    assert.equal(run(text).text, 'boot ok\nGET /health 200 [×4]\ndone');
  });

  test('a run of same-template lines keeps every varying value', () => {
    const lines = [3301, 3302, 3309, 3311].map((pid) => `Jul 15 23:42:43 web1 ftpd[${pid}]: connection from 192.0.2.7 () at Fri Jul 15 23:42:43 2005`);
    const out = run(lines.join('\n')).text;
    assert.equal(out, `${lines[0]}\n[+3 more like the line above, with 3301 → 3302, 3309, 3311]`);
  });

  test('several varying slots are listed as tuples', () => {
    const lines = [0, 1, 2, 3, 4].map((i) => `081110 2${pad(i)}131 ${1460 + i} INFO dfs.DataNode$PacketResponder: PacketResponder ${i % 2} for block blk_${9000 + i * 7} terminating`);
    const out = run(lines.join('\n')).text;
    assert.match(out, /^081110 200131 1460 INFO .* terminating\n\[\+4 more like the line above, with \(081110 200131, 1460, 0, blk_9000\) → \(081110 201131, 1461, 1, blk_9007\), /);
  });

  test('lines sharing a timestamp-and-source prefix are written under it once', () => {
    const text = [
      'Dec 10 09:11:23 bastion sshd[24441]: Connection from 198.51.100.4 port 50022',
      'Dec 10 09:11:23 bastion sshd[24441]: Accepted publickey for deploy from 198.51.100.4 port 50022 ssh2',
      'Dec 10 09:11:23 bastion sshd[24441]: pam_unix(sshd:session): session opened for user deploy',
      'Dec 10 09:11:40 bastion sshd[24502]: Accepted publickey for deploy from 198.51.100.9 port 50022 ssh2',
    ].join('\n');
    assert.equal(
      run(text).text,
      [
        'Dec 10 09:11:23 bastion sshd[24441]:',
        '  Connection from 198.51.100.4 port 50022',
        '  Accepted publickey for deploy from 198.51.100.4 port 50022 ssh2',
        '  pam_unix(sshd:session): session opened for user deploy',
        'Dec 10 09:11:40 bastion sshd[24502]: Accepted publickey for deploy from 198.51.100.9 port 50022 ssh2',
      ].join('\n'),
    );
  });

  test('an error line never loses its prefix inside a group', () => {
    const text = [
      'Dec 10 09:11:26 bastion sshd[24443]: Invalid user admin from 198.51.100.4',
      'Dec 10 09:11:26 bastion sshd[24443]: Failed password for root from 198.51.100.4 port 62581 ssh2',
    ].join('\n');
    const out = run(text).text;
    assert.ok(out.includes('Dec 10 09:11:26 bastion sshd[24443]: Failed password for root from 198.51.100.4 port 62581 ssh2'));
  });

  test('every line, value and timestamp of a service log is still there', () => {
    const { text } = serviceLog();
    const out = run(text).text;
    assert.ok(out.length < text.length * 0.9, `${out.length} / ${text.length}`);
    for (const line of text.split('\n')) for (const v of lineShape(line).values) assert.ok(out.includes(v), v);
  });

  test('text without anything to fold comes back as the same block', () => {
    const block: Block = { kind: 'log', text: 'a\nb\nc' };
    assert.equal(logs(block, LOSSLESS), block);
  });
});

describe('logs transform, lossy levels', () => {
  test('balanced: every error, warning and stack line is kept verbatim and the log shrinks', () => {
    const { text, errors, warnings, stack } = serviceLog();
    const block = run(text, ctx('balanced', 0.5));
    for (const line of [...errors, ...warnings, ...stack]) assert.ok(block.text.split('\n').includes(squash(line)), line);
    assert.ok(block.text.length < text.length * 0.5, `${block.text.length} / ${text.length}`);
  });

  test('aggressive: every error, warning and stack line is kept whole or under its own prefix header', () => {
    const { text, errors, warnings, stack } = serviceLog();
    const out = run(text, ctx('aggressive', 0.3)).text;
    for (const line of [...errors, ...warnings, ...stack]) assert.ok(keptUnderPrefix(out, squash(line)), line);
    assert.ok(out.length < text.length * 0.3, `${out.length} / ${text.length}`);
  });

  test('the counts of left-out lines add up and the dropped lines are reported', () => {
    const { text } = serviceLog();
    const block = run(text, ctx('balanced', 0.5));
    const notes = [...block.text.matchAll(/\[\+(\d+) similar\]/g)].map((m) => Number(m[1]));
    const total = text.split('\n').length;
    const keptLines = block.text.split('\n').filter((l) => !l.startsWith('[+') && !/^\s/.test(l) && !/:$/.test(l)).length;
    assert.equal(notes.reduce((a, b) => a + b, 0), block.omitted?.length);
    assert.ok(keptLines + (block.omitted?.length ?? 0) <= total);
    for (const dropped of block.omitted ?? []) assert.ok(squash(text).includes(dropped));
  });

  test('the first and last line of every template and lines with a rare query term are kept', () => {
    const { text } = serviceLog();
    const lines = text.split('\n');
    const block = run(text, ctx('aggressive', 0.3, 'what happened to order 5123'));
    const out = block.text;
    // compared as the eval does: white space collapsed (the first line may open a prefix group)
    const flat = (x: string): string => x.replace(/\s+/g, ' ');
    assert.ok(flat(out).includes(flat(lines[0])));
    assert.ok(flat(out).includes(flat(lines[lines.length - 1])));
    assert.ok(out.includes('/api/orders/5123 '), 'query line');
  });

  test('warnings of one template are folded with all their values', () => {
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) {
      lines.push(`${ts(i)} INFO  [main] app - tick ${i}`);
      if (i % 4 === 0) lines.push(`${ts(i)} WARN  [QuorumPeer] q.Cnx - Cannot open channel to ${2 + (i % 2)} at election address /10.1.1.${2 + (i % 2)}:3888`);
    }
    const text = lines.join('\n');
    const out = run(text, ctx('balanced', 0.5)).text;
    for (const l of lines.filter((x) => x.includes('WARN'))) assert.ok(out.includes(l.slice(0, 23)), l);
    assert.match(out, /\[\+9 more like the line above, with/);
  });

  test('deterministic', () => {
    const { text } = serviceLog();
    const c = ctx('aggressive', 0.3, 'orders');
    assert.equal(run(text, c).text, run(text, c).text);
  });
});

describe('log detection and severity', () => {
  test('looksLikeLog', () => {
    assert.equal(looksLikeLog(serviceLog().text), true);
    assert.equal(looksLikeLog('[Sun Dec 04 04:52:36 2005] [notice] a\n[Sun Dec 04 04:52:37 2005] [notice] b\n[Sun Dec 04 04:52:38 2005] [error] c'), true);
    assert.equal(looksLikeLog('Hello there.\nThis is prose.\nNothing to see.'), false);
    assert.equal(looksLikeLog('2024-01-01 10:00:00 one line only'), false);
  });

  test('severity tiers', () => {
    assert.equal(lineSeverity('03-17 16:16:06.872  1702  2395 E WindowManager: applyOptionsLocked: Unknown animationType=0'), 2);
    assert.equal(lineSeverity('03-17 16:16:06.872  1702  2395 W ActivityManager: caller does not hold'), 1);
    assert.equal(lineSeverity('10.0.0.1 - - [10/Oct/2023:13:55:36 +0000] "GET /x HTTP/1.1" 503 12'), 2);
    assert.equal(lineSeverity('10.0.0.1 - - [10/Oct/2023:13:55:36 +0000] "GET /x HTTP/1.1" 404 12'), 1);
    assert.equal(lineSeverity('081110 103026 34 INFO dfs.FSNamesystem: blk_1 is added to invalidSet of 10.251.75.49:50010'), 0);
    assert.equal(lineSeverity('    at com.acme.Foo.bar(Foo.java:12)'), 2);
    assert.equal(lineSeverity('INFO all good'), 0);
  });
});

describe('logs transform, properties', () => {
  const levels: TransformContext[] = [LOSSLESS, ctx('balanced', 0.5, 'alpha'), ctx('aggressive', 0.3)];
  const word = fc.constantFrom('GET', 'POST', '/api/v1/items', 'ok', 'user', 'alpha', 'cache', 'miss', 'ERROR', 'WARN', 'failed', 'at', 'Caused by:', '[main]', 'id=42');
  const line = fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.array(word, { maxLength: 6 }), fc.integer({ min: 0, max: 99999 })).map(
    ([t, words, n]) => `${ts(t)} ${words.join(' ')} ${n}`,
  );

  test('random log lines: never throws, never grows, keeps error lines, deterministic', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(line, fc.constant(''), fc.string({ maxLength: 30 })), { maxLength: 80 }), (lines) => {
        const text = lines.join('\n');
        for (const c of levels) {
          const out = logs({ kind: 'log', text }, c).text;
          assert.ok(out.length <= text.length);
          assert.equal(logs({ kind: 'log', text }, c).text, out);
          if (c.level !== 'lossless') {
            for (const l of lines) {
              if (l.trim() === '' || lineSeverity(l.trimEnd()) !== 2) continue;
              if (c.level === 'aggressive') assert.ok(keptUnderPrefix(out, squash(l).trimStart()) || out.includes(squash(l)), l);
              // balanced: whole, or opening a prefix group (reads whole once white space is collapsed)
              else assert.ok(out.replace(/\s+/g, ' ').includes(squash(l).trim().replace(/\s+/g, ' ')), l);
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  test('lossless keeps every variable value', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), (lines) => {
        const text = lines.join('\n');
        const out = logs({ kind: 'log', text }, LOSSLESS).text;
        for (const l of lines) for (const v of lineShape(l).values) assert.ok(out.includes(v), v);
      }),
      { numRuns: 200 },
    );
  });

  test('hostile input never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 500 }), (text) => {
        for (const c of levels) logs({ kind: 'log', text }, c);
      }),
      { numRuns: 200 },
    );
    const huge = 'x'.repeat(200000) + '\n' + '2024-01-01 00:00:00 ERROR '.repeat(10000);
    assert.ok(run(huge, ctx('aggressive', 0.3)).text.length <= huge.length);
  });
});
