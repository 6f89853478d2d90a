// Password hashing for dashboard accounts: scrypt from node:crypto with a random 16-byte salt.
// Stored as `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>` (base64url) so parameters can be raised later
// (`needsRehash`). Verification compares in constant time and, for a missing account, still does
// the same work against a dummy hash so response time does not reveal which e-mails exist.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { invalidInput } from './errors.js';

const LOG_N = 15; // N = 32768, r = 8 → 32 MiB per hash, ~50–100 ms on one core
const R = 8;
const P = 1;
const KEY_LEN = 32;
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;

function scrypt(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  const opts: ScryptOptions = { N: 2 ** logN, r, p, maxmem: 256 * 2 ** logN * r + 1024 * 1024 };
  return new Promise((resolve, reject) => scryptCb(password.normalize('NFC'), salt, KEY_LEN, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

export function checkPasswordPolicy(password: unknown): string {
  if (typeof password !== 'string') throw invalidInput('password must be a string');
  if (password.length < MIN_PASSWORD_LENGTH) throw invalidInput(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw invalidInput(`password must be at most ${MAX_PASSWORD_LENGTH} characters`);
  return password;
}

export async function hashPassword(password: string): Promise<string> {
  checkPasswordPolicy(password);
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, LOG_N, R, P);
  return ['scrypt', LOG_N, R, P, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

interface Parsed {
  logN: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

function parse(stored: string): Parsed | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [logN, r, p] = parts.slice(1, 4).map(Number);
  if (![logN, r, p].every(Number.isInteger) || logN < 10 || logN > 20 || r < 1 || r > 32 || p < 1 || p > 16) return null;
  const salt = Buffer.from(parts[4], 'base64url');
  const hash = Buffer.from(parts[5], 'base64url');
  if (salt.length < 16 || hash.length !== KEY_LEN) return null;
  return { logN, r, p, salt, hash };
}

const DUMMY: Parsed = { logN: LOG_N, r: R, p: P, salt: Buffer.alloc(16, 7), hash: Buffer.alloc(KEY_LEN) };

/** True when `password` matches `stored`. `stored` null (no account / no password) → false, same cost. */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parsed = stored ? parse(stored) : null;
  const target = parsed ?? DUMMY;
  const candidate = typeof password === 'string' && password.length <= MAX_PASSWORD_LENGTH ? password : '';
  const computed = await scrypt(candidate, target.salt, target.logN, target.r, target.p);
  return timingSafeEqual(computed, target.hash) && parsed !== null && candidate !== '';
}

/** True when a stored hash uses weaker parameters than today's (re-hash after a successful login). */
export function needsRehash(stored: string): boolean {
  const p = parse(stored);
  return !p || p.logN < LOG_N || p.r < R;
}
