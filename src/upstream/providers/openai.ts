// OpenAI's own API: the reference the others imitate.
import { bearer, joinUrl, type ProviderProfile } from './types.js';

export const openai: ProviderProfile = {
  name: 'openai',
  defaultBaseUrl: 'https://api.openai.com/v1',
  hosts: /^api\.openai\.com$/i,
  headers: bearer,
  chatUrl: (base) => joinUrl(base, 'chat/completions'),
  modelsUrl: (base) => joinUrl(base, 'models'),
  streamUsage: true,
};
