// Revocation notices between processes. When REDIS_URL is set, a key that is revoked or changed on
// one node is published on a Redis channel and every other node drops it from its verify cache at
// once. Without Redis (or while Redis is unreachable) the cache TTL (≤ 1 s) bounds the delay, so
// Redis only makes it faster, never required for correctness.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const DEFAULT_CHANNEL = 'opencompress:keys:invalidate';

export interface RevocationChannel {
  /** tell every other process that key `keyId` changed; never throws */
  publish(keyId: string): Promise<void>;
  close(): Promise<void>;
}

export interface RedisChannelOptions {
  url: string;
  channel?: string;
  /** called for every notice from another process */
  onNotice(keyId: string): void;
  /** how long to wait for the subscription at start-up (default 3000 ms) */
  connectTimeoutMs?: number;
  /** errors after start-up (connection lost, …); messages only, never the URL */
  onError?(err: Error): void;
}

export async function createRedisChannel(opts: RedisChannelOptions): Promise<RevocationChannel> {
  const channel = opts.channel ?? DEFAULT_CHANNEL;
  const node = randomUUID();
  const redisOpts = { maxRetriesPerRequest: 1, enableOfflineQueue: true, lazyConnect: true } as const;
  const pub = new Redis(opts.url, redisOpts);
  const sub = new Redis(opts.url, redisOpts);
  const report = (err: Error) => opts.onError?.(new Error(`redis: ${err.message}`));
  pub.on('error', report);
  sub.on('error', report);
  sub.on('message', (ch: string, message: string) => {
    if (ch !== channel) return;
    try {
      const notice = JSON.parse(message) as { node?: string; keyId?: string };
      if (notice.node !== node && typeof notice.keyId === 'string') opts.onNotice(notice.keyId);
    } catch {
      /* not ours */
    }
  });
  const timeoutMs = opts.connectTimeoutMs ?? 3000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        await Promise.all([pub.connect(), sub.connect()]);
        await sub.subscribe(channel);
      })(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`REDIS_URL is set but Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    pub.disconnect();
    sub.disconnect();
    throw new Error(`cannot subscribe to revocation notices: ${(err as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  return {
    async publish(keyId) {
      // Bounded: a revocation must not hang on a Redis outage; other nodes still converge within the TTL.
      try {
        await withTimeout(pub.publish(channel, JSON.stringify({ node, keyId })), 1000, 'publishing a revocation notice timed out');
      } catch (err) {
        report(err as Error);
      }
    },
    async close() {
      await withTimeout(Promise.allSettled([sub.quit(), pub.quit()]), 1000, 'quit').catch(() => undefined);
      sub.disconnect();
      pub.disconnect();
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}
