// Identifiers for rows: `<prefix>_` + time (ms, base36, fixed width) + a per-process sequence + 12
// random base36 characters (62 bits). Lower-case base36 only, so ids sort the same under SQLite's
// binary collation and PostgreSQL's locale collations; ids made by one process sort by creation.
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

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';
let lastMs = 0;
let seq = 0;

/** e.g. `newId('acct')` → `acct_0mx7wdk6f0000k3j9…` (monotonic within a process) */
export function newId(prefix: string): string {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    seq = 0;
  } else if (++seq >= 36 ** 4) {
    lastMs++; // more than 1.6 million ids in one millisecond: borrow the next one
    seq = 0;
  }
  let rand = '';
  for (const byte of randomBytes(12)) rand += BASE36[byte % 36]; // slight bias is irrelevant for ids
  return `${prefix}_${lastMs.toString(36).padStart(9, '0')}${seq.toString(36).padStart(4, '0')}${rand}`;
}

/** The one timestamp format of the store: ISO-8601 UTC text. */
export function nowIso(): string {
  return new Date().toISOString();
}
