// Anthropic's OpenAI-compatible endpoint (https://api.anthropic.com/v1/chat/completions).
// Quirks: the key is accepted as Bearer on the compat endpoint but the model list is the native
// API, which wants `x-api-key` + `anthropic-version` and answers
// {data:[{id, type:'model', display_name, created_at}], has_more, …} — normalised to OpenAI's shape.
import { joinUrl, type ProviderProfile } from './types.js';

interface AnthropicModel {
  id: string;
  created_at?: string;
  display_name?: string;
}

export const anthropic: ProviderProfile = {
  name: 'anthropic',
  defaultBaseUrl: 'https://api.anthropic.com/v1',
  hosts: /^api\.anthropic\.com$/i,
  headers: (apiKey) => ({ authorization: `Bearer ${apiKey}`, 'x-api-key': apiKey, 'anthropic-version': '2023-06-01' }),
  chatUrl: (base) => joinUrl(base, 'chat/completions'),
  modelsUrl: (base) => joinUrl(base, 'models'),
  streamUsage: true,
  normalizeModels: (payload) => {
    const data = (payload as { data?: AnthropicModel[] } | null)?.data;
    if (!Array.isArray(data)) return payload;
    return {
      object: 'list',
      data: data.map((m) => ({
        id: m.id,
        object: 'model',
        created: m.created_at ? Math.floor(Date.parse(m.created_at) / 1000) || 0 : 0,
        owned_by: 'anthropic',
        ...(m.display_name ? { display_name: m.display_name } : {}),
      })),
    };
  },
};
