// The gateway's only way out to providers: undici Agents (a keep-alive pool per origin) with
// explicit connect / headers / body timeouts from config. Two agents: `trusted` for the operator's
// own upstream (OpenRouter in Router mode) and `guarded` for user-supplied base URLs, whose
// sockets go through the SSRF guard (DNS answers and the connected address are checked) unless
// ALLOW_PRIVATE_UPSTREAMS is set. Upstream errors are classified here into what the gateway maps
// to 502 / 504. Chat calls, the hot path, use undici's dispatch API (dispatch-request.ts) and hand
// back an UpstreamBody; the model list, read whole, uses `request()`.
import { Agent, buildConnector, errors as undiciErrors, type Dispatcher } from 'undici';
import type { Socket } from 'node:net';
import { checkConnectedSocket, guardedLookup, UpstreamNotAllowedError } from './ssrf.js';
import type { ProviderProfile } from './providers/types.js';
import type { UpstreamSignal } from './abort.js';
import { ERROR_BODY_LIMIT, readBodyCapped } from './read-capped.js';
import { dispatchRequest } from './dispatch-request.js';
import type { UpstreamBody } from './response-body.js';

/** The largest model list read from an upstream (bytes); OpenRouter's full list is ≈ 1 MB. */
export const MODELS_BODY_LIMIT = 8 * 1024 * 1024;

export interface UpstreamClientOptions {
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  allowPrivateUpstreams: boolean;
}

/** Where one request goes. `apiKey` is plaintext for the duration of the call only. */
export interface UpstreamTarget {
  provider: ProviderProfile;
  baseUrl: URL;
  apiKey: string;
  /** user-supplied base URL: connect through the SSRF guard */
  untrusted: boolean;
}

export type UpstreamFailureKind = 'timeout' | 'connect' | 'not_allowed' | 'aborted' | 'protocol';

export class UpstreamFailure extends Error {
  constructor(
    readonly kind: UpstreamFailureKind,
    message: string,
    /** for timeouts: which one */
    readonly phase?: 'connect' | 'headers' | 'body',
  ) {
    super(message);
    this.name = 'UpstreamFailure';
  }
}

/** Maps undici / socket errors to a small set of kinds with messages that carry no secrets. */
export function classifyUpstreamError(err: unknown): UpstreamFailure {
  if (err instanceof UpstreamFailure) return err;
  if (err instanceof UpstreamNotAllowedError) return new UpstreamFailure('not_allowed', err.message);
  const e = err as { code?: string; name?: string; message?: string; cause?: unknown };
  if (e?.cause instanceof UpstreamNotAllowedError) return new UpstreamFailure('not_allowed', e.cause.message);
  switch (e?.code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new UpstreamFailure('timeout', 'connect timeout', 'connect');
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new UpstreamFailure('timeout', 'no response headers in time', 'headers');
    case 'UND_ERR_BODY_TIMEOUT':
      return new UpstreamFailure('timeout', 'no response data in time', 'body');
    case 'UND_ERR_ABORTED':
      return new UpstreamFailure('aborted', 'request aborted');
    case 'ECONNREFUSED':
      return new UpstreamFailure('connect', 'connection refused');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new UpstreamFailure('connect', 'host name not found');
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'EPIPE':
      return new UpstreamFailure('connect', 'connection closed by the upstream');
    case 'ETIMEDOUT':
      return new UpstreamFailure('timeout', 'connect timeout', 'connect');
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return new UpstreamFailure('connect', `TLS certificate rejected (${e.code})`);
  }
  if (e?.name === 'AbortError') return new UpstreamFailure('aborted', 'request aborted');
  if (err instanceof undiciErrors.UndiciError) return new UpstreamFailure('protocol', `upstream protocol error (${e.code ?? e.name})`);
  return new UpstreamFailure('connect', 'upstream request failed');
}

function guardedConnector(timeout: number): buildConnector.connector {
  const base = buildConnector({ timeout, lookup: guardedLookup } as buildConnector.BuildOptions);
  return (opts, callback) => {
    base(opts, (err, socket) => {
      if (err || !socket) return callback(err ?? new Error('connect failed'), null);
      const blocked = checkConnectedSocket(socket as Socket);
      if (blocked) {
        socket.destroy();
        return callback(blocked, null);
      }
      callback(null, socket);
    });
  };
}

/** 'https://h:1/a/b?q' → origin 'https://h:1', path '/a/b?q' (profiles build URLs from a parsed base). */
function splitUrl(url: string): { origin: string; path: string } {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  if (slash < 0) return { origin: url, path: '/' };
  const q = url.indexOf('?');
  if (q >= 0 && q < slash) return { origin: url.slice(0, q), path: '/' + url.slice(q) };
  return { origin: url.slice(0, slash), path: url.slice(slash) };
}

export interface UpstreamResponse {
  statusCode: number;
  headers: Dispatcher.ResponseData['headers'];
  body: UpstreamBody;
}

export class UpstreamClient {
  private readonly trusted: Agent;
  private readonly guarded: Agent;

  constructor(private readonly opts: UpstreamClientOptions) {
    const common = {
      headersTimeout: opts.headersTimeoutMs,
      bodyTimeout: opts.bodyTimeoutMs,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      connections: 256,
    };
    this.trusted = new Agent({ ...common, connect: { timeout: opts.connectTimeoutMs } });
    this.guarded = opts.allowPrivateUpstreams
      ? this.trusted
      : new Agent({ ...common, connect: guardedConnector(opts.connectTimeoutMs) });
  }

  private dispatcher(target: UpstreamTarget): Agent {
    return target.untrusted ? this.guarded : this.trusted;
  }

  /** POSTs a chat-completions body (already serialised). Throws UpstreamFailure. */
  async chat(target: UpstreamTarget, model: string, body: string, signal: UpstreamSignal, extraHeaders?: Record<string, string>): Promise<UpstreamResponse> {
    const { origin, path } = splitUrl(target.provider.chatUrl(target.baseUrl, model));
    try {
      const headers = {
        ...extraHeaders,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...target.provider.headers(target.apiKey),
      };
      return await dispatchRequest(this.dispatcher(target), { origin, path, method: 'POST', headers, body }, signal);
    } catch (err) {
      throw classifyUpstreamError(err);
    }
  }

  /** GETs the provider's model list as parsed JSON (normalised to OpenAI's shape); a list beyond MODELS_BODY_LIMIT is not read on (payload null). */
  async models(target: UpstreamTarget, signal: UpstreamSignal): Promise<{ statusCode: number; headers: UpstreamResponse['headers']; payload: unknown; text: string; tooLarge: boolean }> {
    const { origin, path } = splitUrl(target.provider.modelsUrl(target.baseUrl));
    try {
      const res = await this.dispatcher(target).request({
        origin,
        path,
        method: 'GET',
        headers: { accept: 'application/json', ...target.provider.headers(target.apiKey) },
        signal,
      });
      const { buffer, truncated } = await readBodyCapped(res.body, res.statusCode < 300 ? MODELS_BODY_LIMIT : ERROR_BODY_LIMIT);
      const text = buffer.toString('utf8');
      let payload: unknown = null;
      if (!truncated || res.statusCode >= 300) {
        try {
          payload = JSON.parse(text);
        } catch {
          payload = null;
        }
      }
      if (res.statusCode < 300 && target.provider.normalizeModels) payload = target.provider.normalizeModels(payload);
      return { statusCode: res.statusCode, headers: res.headers, payload, text, tooLarge: truncated && res.statusCode < 300 };
    } catch (err) {
      throw classifyUpstreamError(err);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.trusted.close(), this.guarded === this.trusted ? undefined : this.guarded.close()]);
  }

  /** Drops pooled connections immediately (forced shutdown). */
  async destroy(): Promise<void> {
    await Promise.all([this.trusted.destroy(), this.guarded === this.trusted ? undefined : this.guarded.destroy()]);
  }
}
