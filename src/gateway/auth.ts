// Authentication of /v1 requests with a gateway key: `Authorization: Bearer sk-occ-…` or
// `x-api-key: sk-occ-…` (what the Anthropic SDK sends). Verification (HMAC lookup, cache,
// revocation) is accounts/keys.ts's; this file only extracts the key and turns "no" into 401.
import type { FastifyRequest } from 'fastify';
import { invalidApiKey, missingApiKey } from './errors.js';
import type { GatewayContext, GatewayKey } from './context.js';

export function extractApiKey(headers: FastifyRequest['headers']): string | null {
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.length > 7 && auth.slice(0, 7).toLowerCase() === 'bearer ') return auth.slice(7).trim();
  const x = headers['x-api-key'];
  if (typeof x === 'string' && x) return x.trim();
  return null;
}

export async function authenticate(ctx: GatewayContext, request: FastifyRequest): Promise<GatewayKey> {
  const raw = extractApiKey(request.headers);
  if (!raw) throw missingApiKey();
  const key = await ctx.keys.verify(raw);
  if (!key) throw invalidApiKey();
  return key;
}
