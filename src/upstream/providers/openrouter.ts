// OpenRouter (https://openrouter.ai/api/v1), the Router-mode upstream. Quirks: usage accounting is
// requested with `usage: {include: true}` and then reports the request's price in USD as
// `usage.cost` (billing prefers it over the price table); attribution headers identify the app.
import { bearer, joinUrl, type ProviderProfile } from './types.js';

export const openrouter: ProviderProfile = {
  name: 'openrouter',
  defaultBaseUrl: 'https://openrouter.ai/api/v1',
  hosts: /(^|\.)openrouter\.ai$/i,
  headers: (apiKey) => ({ ...bearer(apiKey), 'x-title': 'OpenCompress' }),
  chatUrl: (base) => joinUrl(base, 'chat/completions'),
  modelsUrl: (base) => joinUrl(base, 'models'),
  bodyDefaults: { usage: { include: true } },
  streamUsage: true,
};
