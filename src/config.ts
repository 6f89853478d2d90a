// Every environment variable the product reads, parsed once into a typed object.
// The composition root (gateway/app.ts) and the CLI take a Config; tests build their own.
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** postgres://… when set; otherwise SQLite at `${dataDir}/opencompress.db` */
  databaseUrl?: string;
  redisUrl?: string;
  /** base64 or hex 32-byte key; when unset the embedded default generates one into dataDir */
  masterKey?: string;
  /** old master keys (comma-separated OPENCOMPRESS_PREVIOUS_MASTER_KEYS) still accepted for opening until rotate-master-key has run */
  previousMasterKeys?: string[];
  allowPrivateUpstreams: boolean;
  openrouterBaseUrl: string;
  openrouterApiKey?: string;
  /** model ids offered to Router keys by GET /v1/models (comma-separated ROUTER_MODELS) */
  routerModels: string[];
  logLevel: string;
  /** request body limit in bytes */
  bodyLimit: number;
  upstreamConnectTimeoutMs: number;
  upstreamHeadersTimeoutMs: number;
  upstreamBodyTimeoutMs: number;
  shutdownGraceMs: number;
  feeRate: number;
  pricesFile?: string;
  freeCreditUsd: number;
  signup: 'open' | 'closed';
  /** public base URL printed for the dashboard and shown in snippets */
  publicUrl?: string;
  /** MB of compressed messages kept per process so resent conversations are not recompressed
   *  (COMPRESSION_CACHE_MB, default 32, 0 disables) */
  compressionCacheMb?: number;
  /** which reverse proxies' X-Forwarded-For / -Host / -Proto to believe (TRUST_PROXY, default none):
   *  a hop count, the proxies' addresses / CIDRs, or true for any peer */
  trustProxy?: TrustProxy;
  /** gateway processes sharing the port (WORKERS, default 1; "auto" = one per core). More than one
   *  needs REDIS_URL: rate limits and revocation notices are shared through Redis. */
  workers: number;
}

export type TrustProxy = true | number | string[];

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** One TRUST_PROXY list entry: an IP, a CIDR (10.0.0.0/8, fd00::/8), an IPv4 with netmask, or a
 *  proxy-addr name (loopback, linklocal, uniquelocal). */
function validProxyEntry(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [ip, range, ...rest] = entry.split('/');
  const family = isIP(ip);
  if (!family || rest.length > 0) return false;
  if (range === undefined) return true;
  if (/^\d{1,3}$/.test(range)) return Number(range) <= (family === 4 ? 32 : 128);
  return family === 4 && isIP(range) === 4;
}

/** TRUST_PROXY: unset, "", "0", "false", "off" → none; an integer n → the last n hops; "true" →
 *  every peer (only when nothing but the proxy can reach the gateway); else a comma list. */
export function parseTrustProxy(raw: string | undefined): TrustProxy | undefined {
  const v = (raw ?? '').trim();
  if (['', '0', 'false', 'off', 'no'].includes(v.toLowerCase())) return undefined;
  if (['true', 'yes', 'all'].includes(v.toLowerCase())) return true;
  if (/^\d+$/.test(v)) return Number(v);
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.filter((e) => !validProxyEntry(e));
  if (bad.length > 0 || list.length === 0) {
    throw new Error(`TRUST_PROXY must be a hop count (1), "true", or a comma-separated list of proxy IPs / CIDRs (127.0.0.1,10.0.0.0/8, loopback); cannot use "${bad.join(', ') || v}"`);
  }
  return list;
}

/** Config.trustProxy as Fastify's option. Fastify ≥ 5.12 treats a bare number as "trust nothing",
 *  so a hop count becomes proxy-addr's (address, hop) function: the nearest n hops are trusted. */
export function fastifyTrustProxy(tp: TrustProxy | undefined): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (tp === undefined) return false;
  if (typeof tp === 'number') return (_address: string, hop: number) => hop < tp;
  return tp;
}

function num(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return n;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  return ['1', 'true', 'yes'].includes((env[name] ?? '').toLowerCase());
}

export const DEFAULT_ROUTER_MODELS = [
  'openai/gpt-4o-mini',
  'openai/gpt-4o',
  'openai/gpt-4.1-mini',
  'anthropic/claude-sonnet-4.5',
  'google/gemini-2.5-flash',
  'meta-llama/llama-3.3-70b-instruct',
  'deepseek/deepseek-chat',
];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const signup = (env.SIGNUP ?? 'open').toLowerCase();
  if (signup !== 'open' && signup !== 'closed') throw new Error(`SIGNUP must be "open" or "closed", got "${env.SIGNUP}"`);
  return {
    port: num(env, 'PORT', 8787),
    host: env.HOST || '127.0.0.1',
    dataDir: resolve(env.DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    masterKey: env.OPENCOMPRESS_MASTER_KEY || undefined,
    previousMasterKeys: (env.OPENCOMPRESS_PREVIOUS_MASTER_KEYS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    allowPrivateUpstreams: flag(env, 'ALLOW_PRIVATE_UPSTREAMS'),
    openrouterBaseUrl: env.OPENROUTER_BASE_URL || 'https://openrouter.ai/api/v1',
    openrouterApiKey: env.OPENROUTER_API_KEY || undefined,
    routerModels: env.ROUTER_MODELS ? env.ROUTER_MODELS.split(',').map((s) => s.trim()).filter(Boolean) : DEFAULT_ROUTER_MODELS,
    logLevel: env.LOG_LEVEL || 'info',
    bodyLimit: num(env, 'BODY_LIMIT_BYTES', 10 * 1024 * 1024),
    upstreamConnectTimeoutMs: num(env, 'UPSTREAM_CONNECT_TIMEOUT_MS', 10_000),
    upstreamHeadersTimeoutMs: num(env, 'UPSTREAM_HEADERS_TIMEOUT_MS', 600_000),
    upstreamBodyTimeoutMs: num(env, 'UPSTREAM_BODY_TIMEOUT_MS', 600_000),
    shutdownGraceMs: num(env, 'SHUTDOWN_GRACE_MS', 30_000),
    feeRate: num(env, 'FEE_RATE', 0.2),
    pricesFile: env.PRICES_FILE || undefined,
    freeCreditUsd: num(env, 'FREE_CREDIT_USD', 1),
    signup,
    publicUrl: env.PUBLIC_URL || undefined,
    compressionCacheMb: num(env, 'COMPRESSION_CACHE_MB', 32),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    workers: parseWorkers(env.WORKERS, env.REDIS_URL),
  };
}

/** WORKERS: unset/"" → 1, "auto" → one per core, else an integer 1–64. Several processes keep
 *  rate limits and revocation notices in step only through Redis, so more than one needs REDIS_URL. */
export function parseWorkers(raw: string | undefined, redisUrl: string | undefined): number {
  const v = (raw ?? '').trim().toLowerCase();
  const n = v === '' ? 1 : v === 'auto' ? availableParallelism() : /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`WORKERS must be an integer from 1 to 64 or "auto", got "${raw}"`);
  if (n > 1 && !redisUrl) {
    throw new Error(`WORKERS=${n} runs ${n} gateway processes, which share rate limits and revocation notices only through Redis: set REDIS_URL, or WORKERS=1`);
  }
  return n;
}

/** Names and one-line descriptions, for `opencompress serve --help` and the README. */
export const ENVIRONMENT_HELP: [string, string][] = [
  ['PORT', 'HTTP port (default 8787)'],
  ['HOST', 'listen address (default 127.0.0.1; 0.0.0.0 to expose)'],
  ['DATA_DIR', 'data directory for SQLite and the generated master key (default ./data)'],
  ['DATABASE_URL', 'postgres://… to use PostgreSQL instead of SQLite'],
  ['REDIS_URL', 'redis://… to share rate limits and revocation notices between processes'],
  ['OPENCOMPRESS_MASTER_KEY', '32-byte key (base64 or hex) encrypting upstream keys; generated into DATA_DIR when unset'],
  ['OPENCOMPRESS_PREVIOUS_MASTER_KEYS', 'comma-separated old master keys still readable while `opencompress rotate-master-key` re-encrypts'],
  ['ALLOW_PRIVATE_UPSTREAMS', '1 to allow http:// and private/loopback upstream base URLs (tests, on-prem vLLM/Ollama)'],
  ['OPENROUTER_BASE_URL', 'upstream for Router keys (default https://openrouter.ai/api/v1)'],
  ['OPENROUTER_API_KEY', 'the operator key used for Router keys'],
  ['ROUTER_MODELS', 'comma-separated model ids listed by GET /v1/models for Router keys'],
  ['LOG_LEVEL', 'pino log level (default info)'],
  ['COMPRESSION_CACHE_MB', 'MB of compressed messages kept per process so resent conversations are not recompressed (default 32, 0 disables)'],
  ['BODY_LIMIT_BYTES', 'maximum request body (default 10485760)'],
  ['UPSTREAM_CONNECT_TIMEOUT_MS', 'upstream connect timeout (default 10000)'],
  ['UPSTREAM_HEADERS_TIMEOUT_MS', 'time to first response byte from upstream (default 600000)'],
  ['UPSTREAM_BODY_TIMEOUT_MS', 'maximum gap between upstream body chunks (default 600000)'],
  ['SHUTDOWN_GRACE_MS', 'how long in-flight requests may finish on SIGTERM (default 30000)'],
  ['FEE_RATE', 'share of measured savings charged as fee (default 0.2)'],
  ['PRICES_FILE', 'JSON price overrides merged over the built-in table'],
  ['FREE_CREDIT_USD', 'credit granted to each new account (default 1)'],
  ['SIGNUP', 'open|closed self-service dashboard sign-up (default open)'],
  ['PUBLIC_URL', 'external base URL shown in the dashboard (default http://HOST:PORT)'],
  ['WORKERS', 'gateway processes sharing the port: an integer or auto (one per core); more than 1 needs REDIS_URL (default 1)'],
  ['TRUST_PROXY', 'reverse proxies whose X-Forwarded-For/-Host/-Proto are believed: proxy IPs/CIDRs (127.0.0.1,10.0.0.0/8), a hop count (1) or true (default off)'],
];
