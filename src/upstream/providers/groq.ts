// Groq (https://api.groq.com/openai/v1). Quirk: older responses and stream chunks report usage
// under `x_groq.usage` instead of (or as well as) `usage`.
import { bearer, joinUrl, type ProviderProfile } from './types.js';

export const groq: ProviderProfile = {
  name: 'groq',
  defaultBaseUrl: 'https://api.groq.com/openai/v1',
  hosts: /(^|\.)groq\.com$/i,
  headers: bearer,
  chatUrl: (base) => joinUrl(base, 'chat/completions'),
  modelsUrl: (base) => joinUrl(base, 'models'),
  streamUsage: true,
  usageOf: (payload) => payload.usage ?? (payload.x_groq as { usage?: unknown } | undefined)?.usage,
};
