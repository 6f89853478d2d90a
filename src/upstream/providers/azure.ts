// Azure OpenAI. Quirks: the key goes in an `api-key` header; the classic API addresses a
// deployment rather than a model — `{resource}/openai/deployments/{deployment}/chat/completions
// ?api-version=…` — where the request's `model` names the deployment unless the base URL already
// contains `/openai/deployments/{name}`. `api-version` comes from the base URL's query when given.
// A base URL ending in `/openai/v1` (Azure's newer v1 API) is OpenAI-shaped: `{base}/chat/completions`.
import { joinUrl, type ProviderProfile } from './types.js';

export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

function apiVersion(base: URL): string {
  return base.searchParams.get('api-version') || AZURE_DEFAULT_API_VERSION;
}

/** the resource root: the base URL's path up to (not including) `/openai` */
function resourceRoot(base: URL): string {
  const idx = base.pathname.indexOf('/openai');
  const prefix = (idx >= 0 ? base.pathname.slice(0, idx) : base.pathname).replace(/\/+$/, '');
  return `${base.origin}${prefix}`;
}

function isV1(base: URL): boolean {
  return /\/openai\/v1\/?$/.test(base.pathname);
}

export const azure: ProviderProfile = {
  name: 'azure',
  hosts: /\.(openai\.azure\.com|cognitiveservices\.azure\.com|services\.ai\.azure\.com)$/i,
  headers: (apiKey) => ({ 'api-key': apiKey }),
  chatUrl: (base, model) => {
    if (isV1(base)) return joinUrl(base, 'chat/completions');
    const fixed = /\/openai\/deployments\/([^/]+)/.exec(base.pathname)?.[1];
    const deployment = fixed ?? encodeURIComponent(model);
    return `${resourceRoot(base)}/openai/deployments/${deployment}/chat/completions?api-version=${encodeURIComponent(apiVersion(base))}`;
  },
  modelsUrl: (base) =>
    isV1(base) ? joinUrl(base, 'models') : `${resourceRoot(base)}/openai/models?api-version=${encodeURIComponent(apiVersion(base))}`,
  streamUsage: true,
};
