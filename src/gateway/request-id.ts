// Request ids the gateway generates (when the client sent no usable `x-request-id`): UUIDv7
// (RFC 9562) — a 48-bit millisecond timestamp, then 74 random bits taken from `randomUUID()`.
// Time-ordered on purpose: every request id goes into the usage table's `request_id` index, and
// random (v4) ids land on a different B-tree page each, so a batch of N usage rows dirtied ~N index
// pages (≈ one extra SQLite page write per request). Ordered ids append to the same few pages.
import { randomUUID } from 'node:crypto';

// The time part of the id, formatted once per millisecond (several requests share one).
let lastMs = -1;
let timePart = '';

export function newRequestId(now = Date.now()): string {
  if (now !== lastMs) {
    const t = now.toString(16).padStart(12, '0');
    timePart = `${t.slice(0, 8)}-${t.slice(8, 12)}-7`;
    lastMs = now;
  }
  return timePart + randomUUID().slice(15); // randomUUID(): xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx
}
