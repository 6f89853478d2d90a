// Validation of what a caller may set on a key (CLI flags, dashboard form): name, level, limits,
// and for BYOK the upstream base URL (shape only here; the gateway's SSRF guard re-checks the
// resolved address on every connection), provider and key. Errors never echo the upstream key.
import type { Level } from '../compress/types.js';
import { assertSafeUpstreamUrl } from '../upstream/ssrf.js';
import { invalidInput } from './errors.js';

export const LEVELS: readonly Level[] = ['off', 'lossless', 'balanced', 'aggressive'];
export const PROVIDERS = ['openai', 'azure', 'anthropic', 'groq', 'together', 'openrouter', 'mistral', 'deepseek', 'vllm', 'ollama', 'custom'] as const;

export interface KeySettingsInput {
  name?: string;
  /** null clears the key's level (engine default) */
  level?: Level | string | null;
  rpm?: number;
  concurrency?: number;
}

export interface KeySettings {
  name?: string;
  level?: Level | null;
  rpm?: number;
  concurrency?: number;
}

function limit(value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1_000_000) {
    throw invalidInput(`${what} must be a whole number from 0 (unlimited) to 1000000`);
  }
  return value;
}

export function validateKeySettings(input: KeySettingsInput): KeySettings {
  const out: KeySettings = {};
  if (input.name !== undefined) {
    if (typeof input.name !== 'string') throw invalidInput('name must be a string');
    const name = input.name.trim();
    if (name.length > 100) throw invalidInput('name must be at most 100 characters');
    if (/[\u0000-\u001f\u007f]/.test(name)) throw invalidInput('name must not contain control characters');
    out.name = name;
  }
  if (input.level !== undefined) {
    if (input.level !== null && !LEVELS.includes(input.level as Level)) throw invalidInput(`level must be one of ${LEVELS.join(', ')}`);
    out.level = input.level as Level | null;
  }
  out.rpm = limit(input.rpm, 'rpm');
  out.concurrency = limit(input.concurrency, 'concurrency');
  for (const k of Object.keys(out) as (keyof KeySettings)[]) if (out[k] === undefined) delete out[k];
  return out;
}

export interface UpstreamInput {
  mode: 'router' | 'byok';
  upstreamBaseUrl?: string;
  upstreamKey?: string;
  upstreamProvider?: string;
}

export interface ValidUpstream {
  baseUrl: string;
  key: string;
  provider: string | null;
}

/** A host that still holds a preset's placeholder (dashboard-presets.ts), in any case. */
const PLACEHOLDER_HOST = /your-resource/i;

/** Normalised base URL: validated shape, no trailing slash, no fragment. */
export function normalizeUpstreamBaseUrl(raw: unknown, allowPrivate: boolean): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw invalidInput('upstream base URL is required for BYOK keys');
  if (raw.length > 2048) throw invalidInput('upstream base URL is too long');
  let url: URL;
  try {
    url = assertSafeUpstreamUrl(raw.trim(), allowPrivate);
  } catch (err) {
    throw invalidInput((err as Error).message);
  }
  // The Azure preset's template (https://YOUR-RESOURCE.openai.azure.com/…) copied unchanged: it
  // would only fail later, on the first request, with a DNS error.
  if (PLACEHOLDER_HOST.test(url.hostname)) {
    throw invalidInput('the upstream base URL still contains the placeholder YOUR-RESOURCE: replace it with your resource name (e.g. https://my-company.openai.azure.com/openai/v1)');
  }
  url.hash = '';
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url.toString().replace(/\/+$/, '').replace(/\/(\?)/, '$1');
}

/** null for router keys (which must not carry upstream settings); the validated upstream for BYOK. */
export function validateUpstream(input: UpstreamInput, allowPrivate: boolean): ValidUpstream | null {
  if (input.mode === 'router') {
    if (input.upstreamBaseUrl !== undefined || input.upstreamKey !== undefined) {
      throw invalidInput("router keys use the operator's upstream; an upstream base URL and key are only for BYOK keys");
    }
    return null;
  }
  const baseUrl = normalizeUpstreamBaseUrl(input.upstreamBaseUrl, allowPrivate);
  const key = typeof input.upstreamKey === 'string' ? input.upstreamKey.trim() : '';
  if (!key) throw invalidInput('upstream key is required for BYOK keys');
  if (key.length > 4096) throw invalidInput('upstream key is too long');
  if (/[\s\u0000-\u001f\u007f]/.test(key)) throw invalidInput('upstream key must not contain whitespace or control characters');
  let provider: string | null = null;
  if (input.upstreamProvider !== undefined && input.upstreamProvider !== '') {
    const p = String(input.upstreamProvider).toLowerCase();
    if (!/^[a-z0-9_-]{1,32}$/.test(p)) throw invalidInput(`provider must be a short name such as ${PROVIDERS.join(', ')}`);
    provider = p;
  }
  return { baseUrl, key, provider };
}
