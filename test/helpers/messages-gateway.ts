// The gateway the POST /v1/messages tests run against (messages.test.ts: OpenAI-compatible
// upstream, translated, and the route's errors; messages-native.test.ts: native Anthropic
// upstream): an OpenAI-compatible mock, a native Anthropic mock, a BYOK key for each, a billing
// that records usage events and can refuse admission (useMessagesGateway), and the request
// fixtures both files use.
import { after, before } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import type { Admission, Billing, UsageEvent } from '../../src/billing/types.js';
import { startMockUpstream, type MockUpstream } from './mock-upstream.js';
import { startMockAnthropic, type MockAnthropic } from './mock-anthropic-upstream.js';
import { startGateway, type TestGateway } from './gateway.js';

export const rows = Array.from({ length: 40 }, (_, i) => ({ id: i, name: `item-${i}`, status: i % 7 === 0 ? 'error' : 'ok', latency_ms: 100 + i }));
export const BIG_TEXT = 'Here is the data:\n' + JSON.stringify(rows, null, 2) + '\n\nWhich items have status error?';
export const THINKING = { type: 'thinking', thinking: 'Let me   look at   the data carefully.\n\n\n', signature: 'sig-abc123==' };
export const REDACTED = { type: 'redacted_thinking', data: 'ZW5jcnlwdGVk' };
export const IMAGE = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } };
export const SYSTEM = [{ type: 'text', text: 'You are   terse.\n\n\nAnswer in English.', cache_control: { type: 'ephemeral' } }];

/** A conversation with everything that must survive untouched around a compressible user turn. */
export function richRequest(): any {
  return {
    model: 'claude-sonnet-4-5',
    max_tokens: 256,
    system: SYSTEM,
    messages: [
      { role: 'user', content: [IMAGE, { type: 'text', text: 'Remember   this picture.' }] },
      { role: 'assistant', content: [THINKING, REDACTED, { type: 'text', text: 'Noted.   I   will remember it.' }] },
      { role: 'user', content: [{ type: 'text', text: BIG_TEXT, cache_control: { type: 'ephemeral' } }] },
    ],
  };
}

/** what the test billing answers to admit(); null = admitted */
export const admission: { refusal: null | 'balance' | 'rate' } = { refusal: null };

function recordingBilling(events: UsageEvent[]): Billing {
  return {
    admit: async (): Promise<Admission> => {
      const refusal = admission.refusal;
      return refusal === 'balance'
        ? { ok: false, reason: 'insufficient_balance', headers: {} }
        : refusal === 'rate'
          ? { ok: false, reason: 'rate_limited', retryAfterSeconds: 7, headers: { 'x-ratelimit-limit': '60' } }
          : { ok: true, headers: { 'x-ratelimit-limit': '60' }, release: () => undefined };
    },
    record: (e) => void events.push(e),
    flush: async () => undefined,
  };
}

export async function waitFor<T>(get: () => T | undefined, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

// The running setup, as live bindings: set by the hooks useMessagesGateway registers (each test
// file runs in its own process, so each has its own).
export let openaiMock: MockUpstream;
export let anthropicMock: MockAnthropic;
export let gw: TestGateway;
/** BYOK key for the OpenAI-compatible mock (requests are translated) */
export let translatedKey: string;
/** BYOK key for the native Anthropic mock */
export let nativeKey: string;
/** the usage events billing was handed */
export const events: UsageEvent[] = [];

/** Registers, in the calling describe, the hooks that start the mocks and the gateway and close them. */
export function useMessagesGateway(): void {
  before(async () => {
    openaiMock = await startMockUpstream();
    anthropicMock = await startMockAnthropic();
    gw = await startGateway({ mock: openaiMock, overrides: { billing: recordingBilling(events) } });
    translatedKey = (await gw.createKey({ mode: 'byok' })).key;
    nativeKey = (await gw.createKey({ mode: 'byok', upstreamBaseUrl: anthropicMock.origin, upstreamProvider: 'anthropic' })).key;
  });
  after(async () => {
    await gw.close();
    await openaiMock.close();
    await anthropicMock.close();
  });
}

/** An official SDK client for the gateway. */
export function client(key: string, headers?: Record<string, string>): Anthropic {
  return new Anthropic({ apiKey: key, baseURL: gw.url, maxRetries: 0, timeout: 10_000, defaultHeaders: headers });
}
