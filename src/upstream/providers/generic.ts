// Any OpenAI-compatible server (vLLM, Ollama, LM Studio, LiteLLM, …): Bearer auth and
// `{base}/chat/completions`, `{base}/models` relative to the base URL the user gave.
import { bearer, joinUrl, type ProviderProfile } from './types.js';

export const generic: ProviderProfile = {
  name: 'generic',
  headers: bearer,
  chatUrl: (base) => joinUrl(base, 'chat/completions'),
  modelsUrl: (base) => joinUrl(base, 'models'),
  streamUsage: true,
};
