// Test helper (not a test file): a fresh gateway for dashboard tests (no account yet, so the first
// sign-up is the admin) and a small cookie-keeping client for /api/* that behaves like the web app:
// same-origin Origin header, JSON bodies, the CSRF token from sign-in on every state change.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../src/config.js';
import { buildApp } from '../../src/gateway/app.js';
import type { MockUpstream } from '../helpers/mock-upstream.js';
import { testConfig } from '../helpers/gateway.js';

export interface DashboardServer {
  app: FastifyInstance;
  url: string;
  config: Config;
  logs: string[];
  close(): Promise<void>;
}

export async function startDashboardServer(opts: { mock?: MockUpstream; config?: Partial<Config> } = {}): Promise<DashboardServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'oc-dash-'));
  const config = testConfig({ dataDir, ...opts.config }, opts.mock);
  const logs: string[] = [];
  let partial = '';
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) if (l) logs.push(l);
      cb();
    },
  });
  const app = await buildApp(config, { logDestination: destination });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    config,
    logs,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export class DashboardClient {
  cookie = '';
  csrf = '';
  constructor(readonly url: string) {}

  async call<T = any>(method: string, path: string, body?: unknown, extra: { headers?: Record<string, string>; csrf?: boolean } = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { origin: this.url, accept: 'application/json', ...extra.headers };
    if (this.cookie) headers.cookie = this.cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && this.csrf && extra.csrf !== false && !('x-csrf-token' in headers)) headers['x-csrf-token'] = this.csrf;
    const res = await fetch(this.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const m = /^oc_session=([^;]*)/.exec(setCookie);
      if (m) this.cookie = m[1] ? `oc_session=${m[1]}` : '';
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  async signup(email: string, password = 'correct horse battery staple'): Promise<ApiResponse> {
    const r = await this.call('POST', '/api/signup', { email, password });
    if (r.status === 201) this.csrf = r.body.csrfToken;
    return r;
  }

  async login(email: string, password = 'correct horse battery staple'): Promise<ApiResponse> {
    const r = await this.call('POST', '/api/login', { email, password });
    if (r.status === 200) this.csrf = r.body.csrfToken;
    return r;
  }
}
