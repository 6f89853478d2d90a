// Upstream presets offered by the dashboard's "Create key" form: where each provider's
// OpenAI-compatible API lives. The provider id is stored on the key (upstream/providers/ picks the
// quirks profile from it: Azure's api-key header and deployments URL, for instance).

export interface UpstreamPreset {
  id: 'openai' | 'azure' | 'together' | 'groq' | 'anthropic' | 'custom';
  label: string;
  baseUrl: string;
  hint: string;
}

export const UPSTREAM_PRESETS: UpstreamPreset[] = [
  { id: 'openai', label: 'OpenAI', baseUrl: 'https://api.openai.com/v1', hint: 'Your OpenAI API key (sk-…).' },
  {
    id: 'azure',
    label: 'Azure OpenAI',
    baseUrl: 'https://YOUR-RESOURCE.openai.azure.com/openai/v1',
    // a template: the form shows it as placeholder text and the server refuses it unchanged
    hint: 'Your resource\'s endpoint with YOUR-RESOURCE replaced by its name. For classic deployments use https://YOUR-RESOURCE.openai.azure.com?api-version=2024-10-21 — the model name then selects the deployment.',
  },
  { id: 'together', label: 'Together AI', baseUrl: 'https://api.together.xyz/v1', hint: 'Your Together API key.' },
  { id: 'groq', label: 'Groq', baseUrl: 'https://api.groq.com/openai/v1', hint: 'Your Groq API key (gsk_…).' },
  { id: 'anthropic', label: 'Anthropic (OpenAI-compatible)', baseUrl: 'https://api.anthropic.com/v1', hint: "Anthropic's OpenAI SDK compatibility endpoint; use Claude model names." },
  { id: 'custom', label: 'Custom (any OpenAI-compatible API)', baseUrl: '', hint: 'vLLM, Ollama, OpenRouter, LiteLLM… the URL that ends before /chat/completions. Must be https unless the operator allows private upstreams.' },
];

export function presetById(id: string | undefined): UpstreamPreset | undefined {
  return UPSTREAM_PRESETS.find((p) => p.id === id);
}
