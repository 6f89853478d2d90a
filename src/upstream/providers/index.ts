// The provider registry: look a profile up by name, or detect it from a base URL's host name
// (falling back to the generic OpenAI-compatible profile).
import { anthropic } from './anthropic.js';
import { azure } from './azure.js';
import { generic } from './generic.js';
import { groq } from './groq.js';
import { openai } from './openai.js';
import { openrouter } from './openrouter.js';
import { together } from './together.js';
import type { ProviderName, ProviderProfile } from './types.js';

export type { ProviderName, ProviderProfile } from './types.js';

export const PROVIDERS: Record<ProviderName, ProviderProfile> = { openai, azure, anthropic, groq, together, openrouter, generic };

export function isProviderName(name: string): name is ProviderName {
  return Object.prototype.hasOwnProperty.call(PROVIDERS, name);
}

/** The profile named `name` when given and known, else the one whose host pattern matches `base`. */
export function providerFor(base: URL, name?: string | null): ProviderProfile {
  if (name) {
    const normalized = name.toLowerCase() === 'azure-openai' ? 'azure' : name.toLowerCase();
    if (isProviderName(normalized)) return PROVIDERS[normalized];
  }
  for (const p of Object.values(PROVIDERS)) if (p.hosts?.test(base.hostname)) return p;
  return generic;
}
