// Anthropic's native Messages API (https://api.anthropic.com/v1/messages), used by the gateway's
// POST /v1/messages route when the upstream is Anthropic. It is not a ProviderProfile entry: those
// describe Chat Completions endpoints (the `anthropic` profile is Anthropic's OpenAI-compatible
// endpoint and stays as it is). The same BYOK key serves both: a key whose provider is `anthropic`
// (by name, or detected from api.anthropic.com) is sent natively here and through the compatible
// endpoint on /v1/chat/completions. Auth is `x-api-key`; `anthropic-version` and `anthropic-beta`
// are the client's (the SDK always sends a version), with a default version when absent.
import type { ProviderProfile } from './types.js';

export const ANTHROPIC_DEFAULT_VERSION = '2023-06-01';

/** the native upstream for this profile, or false when it is an OpenAI-compatible one */
export function isAnthropicNative(profile: ProviderProfile): boolean {
  return profile.name === 'anthropic';
}

/** `{base}/v1/messages`; a base URL that already ends in /v1 (the compat profile's default) gets `/messages`. */
export function messagesUrl(base: URL): string {
  const prefix = base.pathname.replace(/\/+$/, '');
  const path = /\/v1$/.test(prefix) ? `${prefix}/messages` : `${prefix}/v1/messages`;
  return `${base.origin}${path}${base.search}`;
}

export function nativeHeaders(apiKey: string, clientHeaders: Record<string, string | string[] | undefined>): Record<string, string> {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(',') : v);
  const headers: Record<string, string> = {
    'x-api-key': apiKey,
    'anthropic-version': first(clientHeaders['anthropic-version'])?.trim() || ANTHROPIC_DEFAULT_VERSION,
  };
  const beta = first(clientHeaders['anthropic-beta'])?.trim();
  if (beta) headers['anthropic-beta'] = beta;
  return headers;
}

/** A per-request profile that makes UpstreamClient.chat() post to the native Messages endpoint. */
export function nativeMessagesProfile(base: ProviderProfile, clientHeaders: Record<string, string | string[] | undefined>): ProviderProfile {
  return {
    ...base,
    headers: (apiKey) => nativeHeaders(apiKey, clientHeaders),
    chatUrl: (url) => messagesUrl(url),
    bodyDefaults: undefined,
    streamUsage: false,
  };
}
