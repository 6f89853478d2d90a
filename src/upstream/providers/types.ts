// The shape of a provider profile (DESIGN.md §9, after Portkey's providers/<name>/): a small
// declarative object saying how to reach one kind of OpenAI-compatible upstream — auth headers,
// endpoint URLs, body additions and where it reports usage — instead of `if (provider === …)`
// branches in the request path.

export type ProviderName = 'openai' | 'azure' | 'anthropic' | 'groq' | 'together' | 'openrouter' | 'generic';

export interface ProviderProfile {
  name: ProviderName;
  /** the public API base URL (documentation, dashboard presets) */
  defaultBaseUrl?: string;
  /** recognises this provider from a base URL's host name */
  hosts?: RegExp;
  /** headers that carry the upstream key (and any fixed headers the provider wants) */
  headers(apiKey: string): Record<string, string>;
  /** absolute URL of the chat-completions endpoint for this base URL and model */
  chatUrl(base: URL, model: string): string;
  /** absolute URL of the model list */
  modelsUrl(base: URL): string;
  /** fields added to the forwarded body when the client did not set them */
  bodyDefaults?: Record<string, unknown>;
  /** whether to add stream_options.include_usage to streamed requests */
  streamUsage: boolean;
  /** where a response or chunk carries its usage object (default: `usage`) */
  usageOf?(payload: Record<string, unknown>): unknown;
  /** turns the provider's model list into OpenAI's {object:'list', data:[…]} */
  normalizeModels?(payload: unknown): unknown;
}

/** base URL + path, keeping the base's path prefix and query string */
export function joinUrl(base: URL, path: string): string {
  const prefix = base.pathname.replace(/\/+$/, '');
  return `${base.origin}${prefix}/${path.replace(/^\/+/, '')}${base.search}`;
}

export function bearer(apiKey: string): Record<string, string> {
  return { authorization: `Bearer ${apiKey}` };
}
