// Where a request goes, from the key and the headers:
//   header BYOK  x-upstream-base-url + x-upstream-key (+ optional x-upstream-provider), on any valid
//                gateway key; used for this request only, never stored or logged;
//   BYOK key     the key's stored base URL and its sealed upstream key, opened for this call;
//   Router key   OPENROUTER_BASE_URL with the operator's OPENROUTER_API_KEY.
// User-supplied base URLs pass the SSRF URL check here and connect through the guarded agent.
import type { FastifyRequest } from 'fastify';
import { assertSafeUpstreamUrl, UpstreamNotAllowedError } from '../upstream/ssrf.js';
import { isProviderName, PROVIDERS, providerFor, type ProviderProfile } from '../upstream/providers/index.js';
import type { UpstreamTarget } from '../upstream/client.js';
import { upstreamKeyAad } from '../secrets/index.js';
import { invalidRequest, routerNotConfigured, upstreamNotAllowed } from './errors.js';
import type { GatewayContext, GatewayKey } from './context.js';

function header(headers: FastifyRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s ? s.trim() : undefined;
}

// Validated base URLs (and their provider profile) by their text: the check, the parse and the
// host-name matching run once per distinct URL, not per request. Bounded; the oldest goes first.
const validated = new Map<string, { url: URL; provider: ProviderProfile }>();
const MAX_CACHED_URLS = 1000;

function safeUpstream(raw: string, providerName: string | null | undefined, allowPrivate: boolean): { url: URL; provider: ProviderProfile } {
  const cacheKey = `${allowPrivate ? 1 : 0}|${providerName ?? ''}|${raw}`;
  const hit = validated.get(cacheKey);
  if (hit) return hit;
  let url: URL;
  try {
    url = assertSafeUpstreamUrl(raw, allowPrivate);
  } catch (err) {
    if (err instanceof UpstreamNotAllowedError) throw upstreamNotAllowed(err.message);
    throw err;
  }
  const entry = { url, provider: providerFor(url, providerName) };
  if (validated.size >= MAX_CACHED_URLS) validated.delete(validated.keys().next().value as string);
  validated.set(cacheKey, entry);
  return entry;
}

/** the operator's Router base URL, parsed once */
let routerBase = { text: '', url: new URL('https://openrouter.ai/api/v1') };

export type TargetKind = 'header' | 'byok' | 'router';

export function resolveTarget(ctx: GatewayContext, key: GatewayKey, headers: FastifyRequest['headers']): { target: UpstreamTarget; kind: TargetKind } {
  const allowPrivate = ctx.config.allowPrivateUpstreams;
  const headerBase = header(headers, 'x-upstream-base-url');
  const headerKey = header(headers, 'x-upstream-key');
  if (headerBase || headerKey) {
    if (!headerBase || !headerKey) throw invalidRequest('Send both x-upstream-base-url and x-upstream-key, or neither', 'invalid_upstream');
    const providerName = header(headers, 'x-upstream-provider');
    if (providerName && !isProviderName(providerName.toLowerCase()) && providerName.toLowerCase() !== 'azure-openai') {
      throw invalidRequest(`Unknown x-upstream-provider; use one of ${Object.keys(PROVIDERS).join(', ')}`, 'invalid_upstream');
    }
    const { url, provider } = safeUpstream(headerBase, providerName, allowPrivate);
    return { target: { provider, baseUrl: url, apiKey: headerKey, untrusted: true }, kind: 'header' };
  }
  if (key.mode === 'byok') {
    if (!key.upstreamBaseUrl || !key.sealedUpstreamKey) {
      throw invalidRequest('This BYOK key has no upstream configured; send x-upstream-base-url and x-upstream-key', 'invalid_upstream');
    }
    const { url, provider } = safeUpstream(key.upstreamBaseUrl, key.upstreamProvider, allowPrivate);
    return {
      target: { provider, baseUrl: url, apiKey: ctx.secrets.open(key.sealedUpstreamKey, upstreamKeyAad(key.accountId, key.id)), untrusted: true },
      kind: 'byok',
    };
  }
  if (!ctx.config.openrouterApiKey) throw routerNotConfigured();
  if (routerBase.text !== ctx.config.openrouterBaseUrl) routerBase = { text: ctx.config.openrouterBaseUrl, url: new URL(ctx.config.openrouterBaseUrl) };
  return { target: { provider: PROVIDERS.openrouter, baseUrl: routerBase.url, apiKey: ctx.config.openrouterApiKey, untrusted: false }, kind: 'router' };
}
