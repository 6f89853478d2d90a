// Identifiers for rows: `<prefix>_` + time part (base36, fixed width, so ids sort by creation time)
// + 12 random base62 characters (71 bits). Text ids work the same on SQLite and PostgreSQL.
import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `length` uniformly random base62 characters (rejection sampling, no modulo bias). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(Math.ceil((length - out.length) * 1.1) + 4)) {
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** e.g. `newId('acct')` → `acct_0mhx3k2a4Xb9…` */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36).padStart(9, '0')}${randomBase62(12)}`;
}

/** The one timestamp format of the store: ISO-8601 UTC text. */
export function nowIso(): string {
  return new Date().toISOString();
}
