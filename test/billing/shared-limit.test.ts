// Two real gateway processes (`opencompress serve`) sharing one SQLite file and the machine's Redis:
// a key's requests-per-minute and concurrency limits are shared, whichever process answers.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/store/index.js';
import { createSecrets } from '../../src/secrets/index.js';
import { createKeyService } from '../../src/accounts/keys.js';
import { createAccount } from '../../src/accounts/accounts.js';
import { startMockUpstream, type MockUpstream } from '../helpers/mock-upstream.js';
import { MOCK_UPSTREAM_KEY } from '../helpers/gateway.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const MESSAGES = [{ role: 'user' as const, content: 'Say hello. '.repeat(20) }];

interface Server {
  proc: ChildProcess;
  baseUrl: string;
}

function startServer(env: NodeJS.ProcessEnv): Promise<Server> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`gateway did not start in 30 s:\n${out}\n${err}`));
    }, 30_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /OpenAI base URL:\s+(http:\/\/\S+\/v1)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, baseUrl: m[1] });
      }
    });
    proc.stderr!.on('data', (d: Buffer) => void (err += d.toString()));
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}:\n${out}\n${err}`));
    });
  });
}

function stop(s: Server | undefined): Promise<void> {
  if (!s || s.proc.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => s.proc.kill('SIGKILL'), 10_000);
    s.proc.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    s.proc.kill('SIGTERM');
  });
}

describe('rate limits shared by two gateway processes through Redis', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'oc-shared-'));
  let mock: MockUpstream;
  let a: Server | undefined;
  let b: Server | undefined;
  const keys: Record<string, string> = {};

  before(async () => {
    mock = await startMockUpstream();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      OPENCOMPRESS_MASTER_KEY: randomBytes(32).toString('base64'),
      REDIS_URL,
      ALLOW_PRIVATE_UPSTREAMS: '1',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE_MS: '2000',
      NODE_ENV: 'test',
    };
    // Account and keys created up front in the shared SQLite file, with the same master key.
    const config = loadConfig(env);
    const store = await openStore(config);
    const service = await createKeyService({ store, secrets: createSecrets(config), allowPrivateUpstreams: true });
    try {
      const account = await createAccount(store, { email: `shared-${randomBytes(4).toString('hex')}@example.com` });
      const common = { accountId: account.id, mode: 'byok' as const, upstreamBaseUrl: mock.baseUrl, upstreamKey: MOCK_UPSTREAM_KEY };
      keys.rpm = (await service.create({ ...common, rpm: 5, concurrency: 0 })).key;
      keys.conc = (await service.create({ ...common, rpm: 0, concurrency: 1 })).key;
    } finally {
      await service.close();
      await store.close();
    }
    [a, b] = await Promise.all([startServer(env), startServer(env)]);
  });

  after(async () => {
    await Promise.all([stop(a), stop(b)]);
    await mock?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const client = (s: Server, key: string) => new OpenAI({ apiKey: key, baseURL: s.baseUrl, maxRetries: 0, timeout: 10_000 });

  test('5 requests per minute in total across both processes', async () => {
    assert.notEqual(a!.baseUrl, b!.baseUrl);
    const outcomes: (number | string)[] = [];
    for (let i = 0; i < 8; i++) {
      const c = client(i % 2 ? b! : a!, keys.rpm);
      try {
        const { response } = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }).withResponse();
        outcomes.push(`200/${response.headers.get('x-ratelimit-remaining')}`);
      } catch (err: any) {
        assert.equal(err.status, 429, String(err));
        assert.equal(err.error?.type, 'rate_limit_error');
        assert.ok(Number(err.headers.get('retry-after')) >= 1);
        assert.equal(err.headers.get('x-ratelimit-limit'), '5');
        outcomes.push(429);
      }
    }
    assert.deepEqual(outcomes, ['200/4', '200/3', '200/2', '200/1', '200/0', 429, 429, 429]);
  });

  test('one concurrent request in total: a stream on one process blocks the key on the other', async () => {
    mock.enqueue({ chunkDelayMs: 40, chunks: 6, content: 'one two three four five six' });
    const stream = await client(a!, keys.conc).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, stream: true });
    await assert.rejects(client(b!, keys.conc).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }), (err: any) => err.status === 429);
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    assert.match(text, /six/);
    // the slot is released when the stream ends (ZREM from process A, observed by B)
    let ok = false;
    for (let i = 0; i < 20 && !ok; i++) {
      try {
        await client(b!, keys.conc).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES });
        ok = true;
      } catch (err: any) {
        if (err.status !== 429) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    assert.ok(ok, 'the other process can use the key once the stream finished');
  });
});
