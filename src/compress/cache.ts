// A bounded per-process memory of compressed messages, so a conversation resent every turn is not
// recompressed from scratch. The engine is causal (message i depends only on messages 0..i and the
// options), so message i is keyed by a chained hash of the options that change output and every
// message 0..i: h(-1) = sha1(options), h(i) = sha1(h(i-1) || JSON(message i)). A hit gives the
// stored compressed content, its stats and the block texts the pipeline remembers for dedupe; the
// pipeline replays its state updates from them, so output is byte-identical to an uncached run.
// Entries hold only strings and frozen objects (the pipeline rebuilds fresh messages on a hit, so
// callers may mutate what they get back). LRU over a Map, bounded by approximate bytes.
// Hashing with node:crypto is pure computation (no I/O); the engine stays free of I/O.
import { createHash } from 'node:crypto';
import type { MessageStats } from './types.js';

export const DEFAULT_CACHE_BYTES = 32 * 1024 * 1024;

/** What the pipeline stores for message i of a given prefix. */
export interface CachedMessage {
  /** the compressed content when the compressed form was sent: the string, or for array content
   *  each part's compressed text (null = the part passed through as is); undefined when the
   *  message itself was sent unchanged */
  readonly content?: string | readonly (string | null)[];
  readonly stats: Readonly<MessageStats>;
  /** block texts the pipeline remembered for dedupe after this message, in block order */
  readonly remembered: readonly string[];
}

export interface CompressionCacheStats {
  entries: number;
  bytes: number;
  maxBytes: number;
  hits: number;
  misses: number;
  evictions: number;
}

/** Per-entry bookkeeping beyond the strings (Map slot, objects, stats numbers), roughly. */
const ENTRY_OVERHEAD = 256;

export class CompressionCache {
  readonly maxBytes: number;
  private readonly map = new Map<string, { value: CachedMessage; bytes: number }>();
  private used = 0;
  private hitCount = 0;
  private missCount = 0;
  private evictCount = 0;

  constructor(maxBytes: number = DEFAULT_CACHE_BYTES) {
    if (typeof maxBytes !== 'number' || !Number.isFinite(maxBytes) || maxBytes < 0) {
      throw new Error(`compression cache maxBytes must be a non-negative number, got ${String(maxBytes)}`);
    }
    this.maxBytes = Math.floor(maxBytes);
  }

  /** The entry for `key` (and marks it most recently used), or undefined; counts a hit or a miss. */
  get(key: string): CachedMessage | undefined {
    const e = this.map.get(key);
    if (e === undefined) {
      this.missCount++;
      return undefined;
    }
    this.hitCount++;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  /** Store a (deep-frozen copy of the) entry; evicts least recently used entries to stay within maxBytes. */
  set(key: string, value: CachedMessage): void {
    const bytes = entryBytes(key, value);
    const old = this.map.get(key);
    if (old !== undefined) {
      this.map.delete(key);
      this.used -= old.bytes;
    }
    if (bytes > this.maxBytes) return;
    this.map.set(key, { value: freezeEntry(value), bytes });
    this.used += bytes;
    while (this.used > this.maxBytes) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      const e = this.map.get(oldest.value)!;
      this.map.delete(oldest.value);
      this.used -= e.bytes;
      this.evictCount++;
    }
  }

  stats(): CompressionCacheStats {
    return {
      entries: this.map.size,
      bytes: this.used,
      maxBytes: this.maxBytes,
      hits: this.hitCount,
      misses: this.missCount,
      evictions: this.evictCount,
    };
  }

  clear(): void {
    this.map.clear();
    this.used = 0;
  }
}

export function createCompressionCache(options: { maxBytes?: number } = {}): CompressionCache {
  return new CompressionCache(options.maxBytes ?? DEFAULT_CACHE_BYTES);
}

/** The start of the key chain: the options that change output, as resolved by the pipeline. */
export function rootKey(parts: readonly unknown[]): string {
  return createHash('sha1').update('opencompress-cache-v1\u0000').update(JSON.stringify(parts)).digest('base64');
}

/** The key of message i from the key of message i-1; undefined when the message has no faithful
 *  JSON form (then nothing from here on is cached in this request). */
export function nextKey(prev: string, message: unknown): string | undefined {
  let json: string | undefined;
  try {
    json = JSON.stringify(message);
  } catch {
    return undefined;
  }
  if (typeof json !== 'string' || typeof message !== 'object' || message === null) return undefined;
  return createHash('sha1').update(prev).update(json).digest('base64');
}

function entryBytes(key: string, v: CachedMessage): number {
  let chars = key.length;
  if (typeof v.content === 'string') chars += v.content.length;
  else if (v.content) for (const t of v.content) chars += t === null ? 4 : t.length;
  for (const t of v.remembered) chars += t.length;
  for (const t of v.stats.transforms) chars += t.length;
  chars += v.stats.role.length + (v.stats.reason?.length ?? 0);
  return ENTRY_OVERHEAD + 2 * chars;
}

function freezeEntry(v: CachedMessage): CachedMessage {
  const stats = Object.freeze({ ...v.stats, transforms: Object.freeze(v.stats.transforms.slice()) as string[] });
  const content = typeof v.content === 'string' || v.content === undefined ? v.content : Object.freeze(v.content.slice());
  const out: CachedMessage = content === undefined
    ? { stats, remembered: Object.freeze(v.remembered.slice()) }
    : { content, stats, remembered: Object.freeze(v.remembered.slice()) };
  return Object.freeze(out);
}
