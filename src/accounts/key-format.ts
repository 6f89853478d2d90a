// The shape of a gateway key: `sk-occ-` + 43 base62 characters (≥ 256 random bits), its display
// prefix (first 4 and last 4 characters of the random part: enough to recognise, not to guess),
// and its stored form HMAC-SHA256(pepper, key) in hex.
import { createHmac } from 'node:crypto';
import { randomBase62 } from '../store/ids.js';

export const KEY_PREFIX = 'sk-occ-';
const RANDOM_CHARS = 43; // 62^43 > 2^256
const KEY_PATTERN = /^sk-occ-[0-9A-Za-z]{43}$/;

export function generateRawKey(): string {
  return KEY_PREFIX + randomBase62(RANDOM_CHARS);
}

/** Cheap syntactic check before any hashing or lookup. */
export function looksLikeKey(raw: unknown): raw is string {
  return typeof raw === 'string' && raw.length === KEY_PREFIX.length + RANDOM_CHARS && KEY_PATTERN.test(raw);
}

export function displayPrefix(raw: string): string {
  const body = raw.slice(KEY_PREFIX.length);
  return `${KEY_PREFIX}${body.slice(0, 4)}…${body.slice(-4)}`;
}

export function hashKey(pepper: Buffer, raw: string): string {
  return createHmac('sha256', pepper).update(raw, 'utf8').digest('hex');
}
