// `opencompress serve` with WORKERS=2 (a cluster primary and two gateway workers on one port, real
// SQLite and Redis, the official openai client): connections reach both workers, every stdout line
// is one whole JSON object, /metrics counts the whole cluster whichever worker answers, a key
// revoked through the CLI fails at once on both workers, a killed worker is replaced, and SIGTERM
// lets an in-flight stream finish before the server exits 0. WORKERS=2 without REDIS_URL is refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import OpenAI from 'openai';
import { Agent, request } from 'undici';
import { loadConfig } from '../../src/config.js';
import { startMockUpstream, type MockUpstream } from '../helpers/mock-upstream.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const UPSTREAM_KEY = 'sk-workers-upstream-SECRET-4242';

function baseEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, WORKERS: '2', REDIS_URL, ALLOW_PRIVATE_UPSTREAMS: '1', LOG_LEVEL: 'info' };
  delete env.DATABASE_URL;
  delete env.OPENCOMPRESS_MASTER_KEY;
  delete env.OPENCOMPRESS_PREVIOUS_MASTER_KEYS;
  return env;
}

function cli(env: NodeJS.ProcessEnv, args: string[]): any {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args, '--json'], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** stdout of the server, line by line, with a way to wait for a line that matches. */
class Output {
  text = '';
  private waiters: Array<() => void> = [];
  constructor(child: ChildProcess) {
    const add = (d: Buffer) => {
      this.text += d.toString();
      for (const w of this.waiters.splice(0)) w();
    };
    child.stdout!.on('data', add);
    child.stderr!.on('data', add);
  }
  /** JSON lines after the banner; every one must parse */
  json(): any[] {
    return this.text
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => {
        try {
          return JSON.parse(l);
        } catch {
          assert.fail(`a log line is not one whole JSON object: ${l.slice(0, 200)}`);
        }
      });
  }
  async until<T>(find: () => T | undefined, what: string, ms = 30_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${this.text.slice(-3000)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }
}

/** A new connection per client, so the primary hands each one to the next worker. */
function freshClient(url: string, apiKey: string): OpenAI {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0, fetchOptions: { dispatcher: new Agent({ pipelining: 0 }) } as any });
}

const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Say hello.' }] };

/** A WORKERS=2 server on its own data, with one unlimited BYOK key for `mock`. */
async function startServer(mock: MockUpstream) {
  const dataDir = mkdtempSync(join(tmpdir(), 'oc-workers-'));
  const env = baseEnv(dataDir);
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = new Output(server);
  const url = await out.until(() => /Dashboard:\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(out.text)?.[1], 'the dashboard URL');
  const accountId: string = cli(env, ['accounts', 'create', '--email', 'workers@example.com']).id;
  /** a BYOK key for `mock` (default limits unless `limits` says otherwise) */
  const newKey = (...limits: string[]): { id: string; key: string } =>
    cli(env, ['keys', 'create', '--account', accountId, '--mode', 'byok', '--upstream-base-url', mock.baseUrl, '--upstream-key', UPSTREAM_KEY, ...limits]);
  const { key } = newKey('--rpm', '0', '--concurrency', '0');
  // 'close', not 'exit': the exit code once every byte of stdout has arrived
  const closed = new Promise<number | null>((resolve) => server.once('close', (code) => resolve(code)));
  const cleanup = () => {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { server, out, url, env, newKey, key, closed, cleanup, dataDir };
}

/** The text of a stream; `onFirst` runs once, when its first chunk has arrived. */
async function streamText(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>, onFirst: () => void): Promise<string> {
  let text = '';
  let first = true;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    if (first) {
      first = false;
      onFirst();
    }
  }
  return text;
}

describe('opencompress serve with WORKERS=2', () => {
  let mock: MockUpstream;
  let srv: Awaited<ReturnType<typeof startServer>>;
  let server: ChildProcess;
  let out: Output;
  let url: string;
  let keyA: { key: string };
  let keyB: { id: string; key: string };
  const workerPids = () => new Set(out.json().filter((l) => l.msg === 'request').map((l) => l.pid as number));

  before(async () => {
    mock = await startMockUpstream();
    srv = await startServer(mock);
    ({ server, out, url } = srv);
    assert.match(out.text, /Workers:\s+2/);
    keyA = { key: srv.key };
    keyB = srv.newKey('--name', 'b');
  });
  after(async () => {
    srv.cleanup();
    await mock.close();
  });

  test('connections reach both workers; /metrics counts every request of the cluster; log lines stay whole', async () => {
    for (let i = 0; i < 12; i++) {
      const r = await freshClient(url, keyA.key).chat.completions.create(ask);
      assert.equal(r.choices[0].message.content, 'Hello from the mock upstream.');
    }
    await out.until(() => (out.json().filter((l) => l.msg === 'request' && l.url === '/v1/chat/completions').length >= 12 ? true : undefined), '12 request log lines');
    assert.equal(workerPids().size, 2, 'both workers served requests');
    for (let i = 0; i < 4; i++) {
      const text = await (await request(`${url}/metrics`, { dispatcher: new Agent() })).body.text();
      const served = [...text.matchAll(/^opencompress_requests_total\{route="\/v1\/chat\/completions",status="200"[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
      assert.equal(served, 12, `whichever worker answers /metrics counts all 12 requests:\n${text.slice(0, 500)}`);
    }
    assert.ok(!out.text.includes(UPSTREAM_KEY) && !out.text.includes(keyA.key), 'no secret in the logs');
  });

  test('a worker that is killed is replaced and the server keeps answering', async () => {
    const before = workerPids();
    const victim = [...before][0];
    process.kill(victim, 'SIGKILL');
    await out.until(() => (out.json().some((l) => l.msg?.startsWith('gateway worker died') && l.worker === victim) ? true : undefined), 'the replacement notice');
    await out.until(() => (out.json().filter((l) => l.msg?.startsWith('Server listening')).length === 3 ? true : undefined), 'the replacement listening');
    for (let i = 0; i < 8; i++) assert.equal((await freshClient(url, keyA.key).chat.completions.create(ask)).object, 'chat.completion');
    await out.until(() => ([...workerPids()].some((p) => !before.has(p)) ? true : undefined), 'a request served by the new worker');
  });

  test('a rate limit is shared by the workers (through Redis), not granted per worker', async () => {
    const limited = srv.newKey('--rpm', '6');
    let ok = 0;
    let limitedCount = 0;
    for (let i = 0; i < 10; i++) {
      try {
        await freshClient(url, limited.key).chat.completions.create(ask);
        ok++;
      } catch (err: any) {
        assert.equal(err.status, 429);
        limitedCount++;
      }
    }
    assert.deepEqual({ ok, limitedCount }, { ok: 6, limitedCount: 4 });
    const lines = await out.until(() => {
      const mine = out.json().filter((l) => l.msg === 'request' && l.keyId === limited.id);
      return mine.length === 10 ? mine : undefined;
    }, 'the 10 request lines');
    assert.equal(new Set(lines.map((l) => l.pid)).size, 2, 'both workers counted against the one limit');
  });

  test('a key revoked through the CLI is refused at once by every worker', async () => {
    assert.equal((await freshClient(url, keyB.key).chat.completions.create(ask)).object, 'chat.completion');
    cli(srv.env, ['keys', 'revoke', keyB.id]);
    for (let i = 0; i < 6; i++) {
      await assert.rejects(freshClient(url, keyB.key).chat.completions.create(ask), (err: any) => err.status === 401, `request ${i} after the revocation`);
    }
  });

  test('SIGTERM: an in-flight stream finishes, the lines are flushed, the server exits 0', async () => {
    mock.enqueue({ content: 'one two three four five six seven eight', chunkDelayMs: 150 });
    const stream = await freshClient(url, keyA.key).chat.completions.create({ ...ask, stream: true });
    const text = await streamText(stream, () => server.kill('SIGTERM'));
    assert.equal(text, 'one two three four five six seven eight');
    assert.equal(await srv.closed, 0);
    const lines = out.json();
    assert.ok(lines.some((l) => l.msg === 'request' && l.stream === true), `the stream's request line reached stdout:\n${out.text.slice(-1500)}`);
    assert.equal(lines.filter((l) => l.msg?.startsWith('worker shutting down')).length, 2);
  });
});

describe('WORKERS=2: stops that are not clean', () => {
  let mock: MockUpstream;
  before(async () => {
    mock = await startMockUpstream();
  });
  after(() => mock.close());

  test('a second SIGTERM kills the workers: the stream is cut and the exit code is 1', async () => {
    const s = await startServer(mock);
    try {
      mock.enqueue({ content: 'a b c d e f g h i j k l', chunkDelayMs: 500 });
      const stream = await freshClient(s.url, s.key).chat.completions.create({ ...ask, stream: true });
      s.server.kill('SIGTERM');
      await s.out.until(() => (s.out.json().some((l) => l.msg?.startsWith('worker shutting down')) ? true : undefined), 'a worker draining');
      s.server.kill('SIGTERM');
      let text = '';
      await assert.rejects(async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      });
      assert.notEqual(text, 'a b c d e f g h i j k l');
      assert.equal(await s.closed, 1);
      assert.ok(s.out.json().some((l) => l.msg === 'second signal: killing the workers'));
    } finally {
      s.cleanup();
    }
  });

  test('the primary killed outright: the worker finishes its stream, writes its usage, and exits', async () => {
    const s = await startServer(mock);
    try {
      mock.enqueue({ content: 'one two three four five six', chunkDelayMs: 150 });
      const stream = await freshClient(s.url, s.key).chat.completions.create({ ...ask, stream: true, stream_options: { include_usage: true } });
      const workerPids = [...new Set(s.out.json().filter((l) => l.msg?.startsWith('Server listening')).map((l) => l.pid as number))];
      assert.equal(workerPids.length, 2);
      const text = await streamText(stream, () => s.server.kill('SIGKILL'));
      assert.equal(text, 'one two three four five six');
      const alive = (pid: number) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      await s.out.until(() => (workerPids.every((p) => !alive(p)) ? true : undefined), 'both workers to exit');
      assert.ok(s.out.json().some((l) => l.msg === 'worker shutting down: finishing in-flight requests' && l.reason === 'the primary is gone'));
      const db = new BetterSqlite3(join(s.dataDir, 'opencompress.db'), { readonly: true });
      try {
        const rows = db.prepare(`select status, output_tokens from usage`).all() as { status: string; output_tokens: number }[];
        assert.equal(rows.length, 1, "the stream's usage row was written before the worker left");
        assert.ok(!rows[0].status.includes('error'), rows[0].status);
        assert.ok(rows[0].output_tokens > 0);
      } finally {
        db.close();
      }
    } finally {
      s.cleanup();
    }
  });
});

describe('opencompress serve with WORKERS=2 and stdout in a file', () => {
  test('each worker writes the file itself; every line stays whole', async () => {
    const mock = await startMockUpstream();
    const dataDir = mkdtempSync(join(tmpdir(), 'oc-workers-'));
    const logFile = join(dataDir, 'out.log');
    const fd = openSync(logFile, 'w');
    try {
      const env = baseEnv(dataDir);
      const server = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], { cwd: root, env, stdio: ['ignore', fd, fd] });
      const exited = new Promise<number | null>((resolve) => server.once('close', (code) => resolve(code)));
      const deadline = Date.now() + 60_000;
      let url: string | undefined;
      while (!url && Date.now() < deadline) {
        url = /Dashboard:\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(readFileSync(logFile, 'utf8'))?.[1];
        if (!url) await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(url, readFileSync(logFile, 'utf8'));
      const account = cli(env, ['accounts', 'create', '--email', 'file@example.com']);
      const { key } = cli(env, ['keys', 'create', '--account', account.id, '--mode', 'byok', '--upstream-base-url', mock.baseUrl, '--upstream-key', UPSTREAM_KEY, '--rpm', '0', '--concurrency', '0']);
      // 400 requests over 20 connections: each worker's batches are 32 KB, so they meet in the file
      const clients = Array.from({ length: 20 }, () => freshClient(url!, key));
      await Promise.all(clients.map(async (c) => {
        for (let i = 0; i < 20; i++) await c.chat.completions.create(ask);
      }));
      server.kill('SIGTERM');
      assert.equal(await exited, 0);
      const lines = readFileSync(logFile, 'utf8').split('\n').filter((l) => l.startsWith('{'));
      const parsed = lines.map((l) => {
        try {
          return JSON.parse(l);
        } catch {
          return assert.fail(`a log line is not one whole JSON object: ${l.slice(0, 200)}`);
        }
      });
      const served = parsed.filter((l) => l.msg === 'request' && l.url === '/v1/chat/completions');
      assert.equal(served.length, 400, 'every request line reached the file');
      assert.equal(new Set(served.map((l) => l.pid)).size, 2);
    } finally {
      closeSync(fd);
      await mock.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('WORKERS configuration', () => {
  test('more than one worker needs REDIS_URL; bad values are refused', () => {
    assert.equal(loadConfig({}).workers, 1);
    assert.equal(loadConfig({ WORKERS: '3', REDIS_URL: REDIS_URL }).workers, 3);
    assert.ok(loadConfig({ WORKERS: 'auto', REDIS_URL: REDIS_URL }).workers >= 1);
    assert.throws(() => loadConfig({ WORKERS: '2' }), /WORKERS=2 .*REDIS_URL/);
    for (const bad of ['0', '-1', '1.5', 'many', '65']) assert.throws(() => loadConfig({ WORKERS: bad, REDIS_URL }), /WORKERS must be/, bad);
  });

  test('workers that cannot start (Redis not answering) stop the server with exit code 1 and the reason', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'oc-workers-'));
    try {
      const env = { ...baseEnv(dataDir), REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'error' };
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /cannot subscribe to revocation notices/);
      assert.match(r.stderr, /a gateway worker exited while starting \(code 1\)/);
      assert.doesNotMatch(r.stdout, /OpenCompress is running/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('serve with WORKERS=2 and no REDIS_URL exits non-zero with the reason', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'oc-workers-'));
    try {
      const env = baseEnv(dataDir);
      delete env.REDIS_URL;
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /WORKERS=2 .*REDIS_URL/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
