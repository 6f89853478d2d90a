// Together AI (https://api.together.xyz/v1). Quirk: its model list is a bare JSON array rather than
// {object:'list', data:[…]}; streams carry usage on the final chunk next to its choices.
import { bearer, joinUrl, type ProviderProfile } from './types.js';

export const together: ProviderProfile = {
  name: 'together',
  defaultBaseUrl: 'https://api.together.xyz/v1',
  hosts: /(^|\.)together\.(xyz|ai)$/i,
  headers: bearer,
  chatUrl: (base) => joinUrl(base, 'chat/completions'),
  modelsUrl: (base) => joinUrl(base, 'models'),
  streamUsage: true,
  normalizeModels: (payload) => (Array.isArray(payload) ? { object: 'list', data: payload } : payload),
};
