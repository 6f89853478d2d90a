// Starts a real gateway for tests: buildApp with in-memory SQLite, a fresh master key, private
// upstreams allowed (the mock listens on loopback), short timeouts, and logs captured as lines so
// tests can scan them for secrets. Accounts and keys are created through the accounts API.
//
//   const mock = await startMockUpstream();
//   const gw = await startGateway({ mock });
//   const { key } = await gw.createKey({ mode: 'byok' });       // BYOK key pointing at the mock
//   const client = gw.client(key);                             // official openai client
//   ...; await gw.close(); await mock.close();
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import OpenAI from 'openai';
import { loadConfig, type Config } from '../../src/config.js';
import { buildApp, type AppOverrides } from '../../src/gateway/app.js';
import { createAccount } from '../../src/accounts/accounts.js';
import type { CreatedKey } from '../../src/accounts/keys.js';
import type { MockUpstream } from './mock-upstream.js';

export const MOCK_UPSTREAM_KEY = 'sk-upstream-SECRET-0123456789abcdefABCDEF';
export const MOCK_ROUTER_KEY = 'sk-or-v1-ROUTERSECRET-9876543210fedcba';

export interface TestGateway {
  app: FastifyInstance;
  /** http://127.0.0.1:PORT */
  url: string;
  /** http://127.0.0.1:PORT/v1 */
  baseUrl: string;
  config: Config;
  accountId: string;
  /** every log line written so far */
  logs: string[];
  /** another account (an account holds at most 5 active keys) */
  newAccount(): Promise<string>;
  createKey(opts?: { mode?: 'byok' | 'router'; upstreamBaseUrl?: string; upstreamKey?: string; upstreamProvider?: string; level?: string; accountId?: string }): Promise<CreatedKey>;
  client(key: string, opts?: { defaultHeaders?: Record<string, string>; timeout?: number }): OpenAI;
  close(): Promise<void>;
}

export interface StartGatewayOptions {
  mock?: MockUpstream;
  config?: Partial<Config>;
  overrides?: AppOverrides;
}

export function testConfig(partial: Partial<Config> = {}, mock?: MockUpstream): Config {
  return {
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    databaseUrl: 'sqlite::memory:',
    masterKey: randomBytes(32).toString('base64'),
    allowPrivateUpstreams: true,
    openrouterBaseUrl: mock?.baseUrl ?? 'http://127.0.0.1:9/v1',
    openrouterApiKey: MOCK_ROUTER_KEY,
    logLevel: 'info',
    bodyLimit: 256 * 1024,
    upstreamConnectTimeoutMs: 2000,
    upstreamHeadersTimeoutMs: 5000,
    upstreamBodyTimeoutMs: 5000,
    shutdownGraceMs: 2000,
    ...partial,
  };
}

export async function startGateway(opts: StartGatewayOptions = {}): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'oc-gw-'));
  const config = testConfig({ dataDir, ...opts.config }, opts.mock);
  const logs: string[] = [];
  let partial = '';
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      const text = partial + chunk.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) if (l) logs.push(l);
      cb();
    },
  });
  const app = await buildApp(config, { logDestination: destination, ...opts.overrides });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const account = await createAccount(app.services.store, { email: `user-${randomBytes(4).toString('hex')}@example.com` });
  return {
    app,
    url,
    baseUrl: `${url}/v1`,
    config,
    accountId: account.id,
    logs,
    async newAccount() {
      return (await createAccount(app.services.store, { email: `user-${randomBytes(4).toString('hex')}@example.com` })).id;
    },
    createKey(k = {}) {
      const mode = k.mode ?? 'byok';
      return app.services.keys.create({
        accountId: k.accountId ?? account.id,
        mode,
        level: k.level,
        rpm: 0,
        concurrency: 0,
        ...(mode === 'byok'
          ? {
              upstreamBaseUrl: k.upstreamBaseUrl ?? opts.mock?.baseUrl ?? 'http://127.0.0.1:9/v1',
              upstreamKey: k.upstreamKey ?? MOCK_UPSTREAM_KEY,
              upstreamProvider: k.upstreamProvider,
            }
          : {}),
      });
    },
    client(key, c = {}) {
      return new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0, timeout: c.timeout ?? 10_000, defaultHeaders: c.defaultHeaders });
    },
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
