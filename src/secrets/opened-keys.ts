// Upstream keys opened in the last OPENED_TTL_MS, so that a key serving many requests a second is
// deciphered once per interval instead of once per request (a decipher is ~7 µs of Node's cipher
// set-up, ~6 % of a pass-through request's CPU). Why this keeps no more in the clear than before:
// the master key that opens every row sits in the same process, and a plaintext used for one call
// stays in the heap until the collector reuses its memory anyway. What it bounds instead: an entry
// lives OPENED_TTL_MS from its decipher (never renewed by hits) plus at most one sweep interval,
// at most MAX_OPENED entries, and it is keyed by the sealed text, so a changed upstream key or a
// rotation (new sealed text) is never answered from here. A hit also needs the same AAD: a value
// asked for under another account or key id misses and goes to the decipher, which refuses it.

export const OPENED_TTL_MS = 2000;
const SWEEP_EVERY_MS = 1000;
const MAX_OPENED = 1000;

interface Opened {
  aad: string;
  plaintext: string;
  until: number;
}

export class OpenedKeys {
  // `#` fields: not enumerable, so no serialiser or inspector walking the owner ever meets them
  readonly #bySealed = new Map<string, Opened>();
  #sweeper: NodeJS.Timeout | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.#bySealed.size;
  }

  get(sealed: string, aad: string): string | undefined {
    const e = this.#bySealed.get(sealed);
    if (e === undefined || e.aad !== aad) return undefined;
    if (e.until > this.now()) return e.plaintext;
    this.#bySealed.delete(sealed);
    return undefined;
  }

  set(sealed: string, aad: string, plaintext: string): void {
    const map = this.#bySealed;
    map.delete(sealed);
    if (map.size >= MAX_OPENED) map.delete(map.keys().next().value as string);
    map.set(sealed, { aad, plaintext, until: this.now() + OPENED_TTL_MS });
    if (!this.#sweeper) {
      this.#sweeper = setInterval(() => this.sweep(), SWEEP_EVERY_MS);
      this.#sweeper.unref();
    }
  }

  /** drops expired entries (oldest first: insertion order is expiry order); stops when empty */
  private sweep(): void {
    const now = this.now();
    for (const [sealed, e] of this.#bySealed) {
      if (e.until > now) break;
      this.#bySealed.delete(sealed);
    }
    if (this.#bySealed.size === 0 && this.#sweeper) {
      clearInterval(this.#sweeper);
      this.#sweeper = null;
    }
  }
}
