// Gateway API keys: create (raw key returned once), verify (every request), revoke, list, update,
// and the batched last-used touch. DESIGN.md §3 step 2 and §7; ADR 0002 for the pepper.
// verify: cache by the raw key (≤ 1 s, positive and negative) → on a miss: format check →
// HMAC-SHA256(pepper) → one indexed lookup. Revocation drops the key from this process's cache at once and tells other processes over
// Redis when configured; without Redis they follow within the TTL.
import { inspect } from 'node:util';
import type { Level } from '../compress/types.js';
import type { Store } from '../store/index.js';
import { lockAccount } from '../store/accounts.js';
import { newId, nowIso } from '../store/ids.js';
import * as table from '../store/keys.js';
import type { ApiKeyPatch, ApiKeyRow } from '../store/schema.js';
import { upstreamKeyAad, type Secrets } from '../secrets/index.js';
import { loadPepper } from '../secrets/pepper.js';
import { AccountsError, invalidInput, notFound } from './errors.js';
import { displayPrefix, generateRawKey, hashKey, looksLikeKey } from './key-format.js';
import { KeyCache } from './key-cache.js';
import { createRedisChannel, type RevocationChannel } from './revocation.js';
import { validateKeySettings, validateUpstream, type KeySettingsInput } from './key-input.js';

export type KeyMode = 'router' | 'byok';

/** What the gateway gets for a valid key (ADR 0001). Open the upstream key with secrets.open(sealedUpstreamKey, `${accountId}:${id}`). */
export interface ResolvedKey {
  id: string;
  accountId: string;
  name: string;
  prefix: string;
  mode: KeyMode;
  upstreamBaseUrl?: string;
  upstreamProvider?: string;
  sealedUpstreamKey?: string;
  level?: Level;
  rpm: number;
  concurrency: number;
}

/** What may be shown to the key's owner (CLI, dashboard): never the key, never the upstream key. */
export interface KeyInfo {
  id: string;
  accountId: string;
  name: string;
  prefix: string;
  mode: KeyMode;
  status: 'active' | 'revoked';
  upstreamBaseUrl: string | null;
  upstreamProvider: string | null;
  upstreamKeyLast4: string | null;
  level: Level | null;
  rpm: number;
  concurrency: number;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreateKeyInput extends KeySettingsInput {
  accountId: string;
  mode: KeyMode;
  upstreamBaseUrl?: string;
  upstreamKey?: string;
  upstreamProvider?: string;
}

export interface CreatedKey {
  id: string;
  /** the raw `sk-occ-…` key: show it once, it is not stored */
  key: string;
  prefix: string;
  info: KeyInfo;
}

export type KeyUpdate = KeySettingsInput;

export interface KeyServiceOptions {
  store: Store;
  secrets: Secrets;
  /** 32-byte HMAC pepper; loaded from the store (sealed) when omitted */
  pepper?: Buffer;
  /** publish/receive revocation notices over Redis */
  redisUrl?: string;
  redisChannel?: string;
  /** allow http:// and private upstream base URLs (ALLOW_PRIVATE_UPSTREAMS) */
  allowPrivateUpstreams?: boolean;
  /** verify cache TTL, at most 1000 ms (default 1000) */
  cacheTtlMs?: number;
  /** how often pending last-used times are written (default 5000 ms) */
  touchFlushMs?: number;
  /** active keys per account (default 5) */
  maxActiveKeys?: number;
  /** background problems (touch flush failed, Redis lost); never contains a secret */
  onError?(err: Error): void;
  /** a change notice from another process arrived and the key was dropped from the cache (metrics, tests) */
  onRemoteInvalidation?(keyId: string): void;
}

export const MAX_ACTIVE_KEYS = 5;

export function toKeyInfo(row: ApiKeyRow): KeyInfo {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    prefix: row.prefix,
    mode: row.mode,
    status: row.revoked_at ? 'revoked' : 'active',
    upstreamBaseUrl: row.upstream_base_url,
    upstreamProvider: row.upstream_provider,
    upstreamKeyLast4: row.upstream_key_last4,
    level: row.level as Level | null,
    rpm: row.rpm,
    concurrency: row.concurrency,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

function toResolved(row: ApiKeyRow): ResolvedKey {
  const k: ResolvedKey = { id: row.id, accountId: row.account_id, name: row.name, prefix: row.prefix, mode: row.mode, rpm: row.rpm, concurrency: row.concurrency };
  if (row.upstream_base_url) k.upstreamBaseUrl = row.upstream_base_url;
  if (row.upstream_provider) k.upstreamProvider = row.upstream_provider;
  if (row.upstream_key_sealed) k.sealedUpstreamKey = row.upstream_key_sealed;
  if (row.level) k.level = row.level as Level;
  return Object.freeze(k); // shared by every request that hits the cache
}

export class KeyService {
  private readonly cache: KeyCache<ResolvedKey>;
  private inflight = new Map<string, Promise<ResolvedKey | null>>();
  /** key id → last use (epoch ms), written by flushTouches */
  private touches = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private channel?: RevocationChannel;
  private closed = false;
  private readonly maxActive: number;

  private constructor(
    private readonly opts: KeyServiceOptions,
    private readonly pepper: Buffer,
  ) {
    this.cache = new KeyCache(Math.min(1000, Math.max(0, opts.cacheTtlMs ?? 1000)));
    this.maxActive = opts.maxActiveKeys ?? MAX_ACTIVE_KEYS;
    this.timer = setInterval(() => {
      this.cache.sweep(); // expired entries (raw keys) go, instead of waiting for eviction
      void this.flushTouches();
    }, opts.touchFlushMs ?? 5000);
    this.timer.unref();
  }

  // Defence in depth: logging or serialising the service never prints the pepper.
  toJSON(): object {
    return { cacheTtlMs: this.cache.ttlMs, cached: this.cache.size, pendingTouches: this.touches.size };
  }

  [inspect.custom](): string {
    return `KeyService ${JSON.stringify(this.toJSON())}`;
  }

  static async create(opts: KeyServiceOptions): Promise<KeyService> {
    const pepper = opts.pepper ?? (await loadPepper(opts.store, opts.secrets));
    if (pepper.length < 32) throw new Error('the key pepper must be at least 32 bytes');
    const service = new KeyService(opts, pepper);
    if (opts.redisUrl) {
      try {
        service.channel = await createRedisChannel({
          url: opts.redisUrl,
          channel: opts.redisChannel,
          onNotice: (keyId) => {
            service.dropFromCache(keyId);
            opts.onRemoteInvalidation?.(keyId);
          },
          onError: (err) => opts.onError?.(err),
        });
      } catch (err) {
        clearInterval(service.timer);
        throw err;
      }
    }
    return service;
  }

  async create(input: CreateKeyInput): Promise<CreatedKey> {
    if (input.mode !== 'router' && input.mode !== 'byok') throw invalidInput('mode must be "router" or "byok"');
    const settings = validateKeySettings(input);
    const upstream = validateUpstream(input, this.opts.allowPrivateUpstreams ?? false);
    const id = newId('key');
    const raw = generateRawKey();
    const row: ApiKeyRow = {
      id,
      account_id: input.accountId,
      name: settings.name ?? '',
      key_hash: hashKey(this.pepper, raw),
      prefix: displayPrefix(raw),
      mode: input.mode,
      upstream_base_url: upstream?.baseUrl ?? null,
      upstream_provider: upstream?.provider ?? null,
      upstream_key_sealed: upstream ? this.opts.secrets.seal(upstream.key, upstreamKeyAad(input.accountId, id)) : null,
      upstream_key_last4: upstream && upstream.key.length >= 12 ? upstream.key.slice(-4) : null, // short keys: show nothing
      level: settings.level ?? null,
      rpm: settings.rpm ?? 60,
      concurrency: settings.concurrency ?? 10,
      created_at: nowIso(),
      last_used_at: null,
      revoked_at: null,
    };
    await this.opts.store.db.transaction().execute(async (trx) => {
      // The account row lock serialises concurrent creates for one account (SQLite and PostgreSQL).
      if (!(await lockAccount(trx, input.accountId))) throw notFound('no such account');
      const active = await table.countActiveKeys(trx, input.accountId);
      if (active >= this.maxActive) {
        throw new AccountsError('limit_reached', `an account can have at most ${this.maxActive} active keys; revoke one first`);
      }
      await table.insertKey(trx, row);
    });
    return { id, key: raw, prefix: row.prefix, info: toKeyInfo(row) };
  }

  /**
   * The key's settings when `rawKey` is an active key, else null. Never throws for bad input; DOES
   * reject when the store is unreachable, so an outage is not reported to clients as a bad key.
   */
  async verify(rawKey: unknown): Promise<ResolvedKey | null> {
    if (typeof rawKey !== 'string') return null;
    // The cache is keyed by the raw key, so a hit costs one Map lookup and no HMAC (the HMAC was ~3 %
    // of a pass-through request's CPU). The process holds the raw key for the request anyway; entries
    // live ≤ TTL and are swept with the touch timer, so a raw key does not linger in memory. Only
    // keys that passed looksLikeKey are ever stored, so a hit needs no format check either.
    let key = this.cache.get(rawKey);
    if (key === undefined) {
      if (!looksLikeKey(rawKey)) return null;
      let pending = this.inflight.get(rawKey);
      if (!pending) {
        pending = this.lookup(rawKey);
        this.inflight.set(rawKey, pending);
        const map = this.inflight;
        void pending.finally(() => {
          if (map.get(rawKey) === pending) map.delete(rawKey);
        }).catch(() => undefined);
      }
      key = await pending;
    }
    if (key) this.touches.set(key.id, Date.now());
    return key;
  }

  private async lookup(rawKey: string): Promise<ResolvedKey | null> {
    const token = this.cache.begin();
    const row = await table.findByHash(this.opts.store.db, hashKey(this.pepper, rawKey));
    const key = row && !row.revoked_at ? toResolved(row) : null;
    this.cache.set(rawKey, key, token);
    return key;
  }

  /** Revoke a key (idempotent). With `accountId`, a key of another account counts as not found. */
  async revoke(id: string, opts: { accountId?: string } = {}): Promise<KeyInfo> {
    const existing = await table.findKeyById(this.opts.store.db, id);
    if (!existing || (opts.accountId !== undefined && existing.account_id !== opts.accountId)) throw notFound('no such key');
    const row = (await table.revokeKey(this.opts.store.db, id, nowIso())) ?? existing;
    // A use just before revocation is still pending in `touches`: keep it, so "last used" stays true.
    await this.announce(id);
    return this.withPendingTouch(toKeyInfo(row));
  }

  async update(id: string, patch: KeyUpdate, opts: { accountId?: string } = {}): Promise<KeyInfo> {
    const settings = validateKeySettings(patch);
    const existing = await table.findKeyById(this.opts.store.db, id);
    if (!existing || (opts.accountId !== undefined && existing.account_id !== opts.accountId)) throw notFound('no such key');
    const dbPatch: ApiKeyPatch = {};
    if (settings.name !== undefined) dbPatch.name = settings.name;
    if (settings.level !== undefined) dbPatch.level = settings.level;
    if (settings.rpm !== undefined) dbPatch.rpm = settings.rpm;
    if (settings.concurrency !== undefined) dbPatch.concurrency = settings.concurrency;
    await table.updateKey(this.opts.store.db, id, dbPatch);
    await this.announce(id);
    const row = await table.findKeyById(this.opts.store.db, id);
    if (!row) throw notFound('no such key');
    return this.withPendingTouch(toKeyInfo(row));
  }

  async get(id: string, opts: { accountId?: string } = {}): Promise<KeyInfo | undefined> {
    const row = await table.findKeyById(this.opts.store.db, id);
    if (!row || (opts.accountId !== undefined && row.account_id !== opts.accountId)) return undefined;
    return this.withPendingTouch(toKeyInfo(row));
  }

  async list(accountId: string, opts: { includeRevoked?: boolean } = {}): Promise<KeyInfo[]> {
    const rows = await table.listKeysForAccount(this.opts.store.db, accountId, opts);
    return rows.map((r) => this.withPendingTouch(toKeyInfo(r)));
  }

  async countActive(accountId: string): Promise<number> {
    return table.countActiveKeys(this.opts.store.db, accountId);
  }

  get maxActiveKeys(): number {
    return this.maxActive;
  }

  /** Write remembered last-used times in one transaction. Called on a timer and by close(). */
  async flushTouches(): Promise<void> {
    if (this.touches.size === 0) return;
    const batch = this.touches;
    this.touches = new Map();
    try {
      await table.touchKeys(this.opts.store.db, new Map([...batch].map(([id, ms]) => [id, new Date(ms).toISOString()])));
    } catch (err) {
      for (const [id, at] of batch) {
        const newer = this.touches.get(id);
        if (!newer || newer < at) this.touches.set(id, at);
      }
      this.opts.onError?.(new Error(`could not record last-used times: ${(err as Error).message}`));
    }
  }

  /** Flush pending touches, stop the timer, leave Redis. Does not close the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.flushTouches();
    await this.channel?.close();
  }

  private dropFromCache(id: string): void {
    this.cache.invalidate(id);
    this.inflight = new Map(); // a lookup started before the change must not be shared any more
  }

  private async announce(id: string): Promise<void> {
    this.dropFromCache(id);
    await this.channel?.publish(id);
  }

  private withPendingTouch(info: KeyInfo): KeyInfo {
    const ms = this.touches.get(info.id);
    const pending = ms === undefined ? undefined : new Date(ms).toISOString();
    if (pending && (!info.lastUsedAt || info.lastUsedAt < pending)) return { ...info, lastUsedAt: pending };
    return info;
  }
}

export function createKeyService(opts: KeyServiceOptions): Promise<KeyService> {
  return KeyService.create(opts);
}
