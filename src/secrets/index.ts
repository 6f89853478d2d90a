// The secrets/ facade: `createSecrets(config)` → { seal, open } over the loaded master keys.
// A plaintext upstream key exists only here (for OPENED_TTL_MS after it is opened: opened-keys.ts)
// and, for one upstream call, in upstream/.
// A process made by createSecrets follows a master-key rotation run by another process (file
// mode, docs/storage-and-keys.md) without a restart: it re-reads the key files before sealing
// (rare: key creation), so it never seals under a key a rotation has replaced, and when it meets a
// value sealed under a key id it does not know (at most once a second, not on every request).
// Keys it already holds are kept.
import { inspect } from 'node:util';
import type { Config } from '../config.js';
import { openWith, parseSealed, sealWith } from './envelope.js';
import { loadMasterKeys, type Keyring, type MasterKey, type MasterKeyConfig } from './master-keys.js';
import { OpenedKeys } from './opened-keys.js';

export { SecretsError } from './errors.js';
export { loadMasterKeys, type Keyring, type MasterKey } from './master-keys.js';

/** AAD of an upstream key: binds the ciphertext to its row, so it cannot be moved to another key. */
export function upstreamKeyAad(accountId: string, keyId: string): string {
  return `${accountId}:${keyId}`;
}

/** How often a process re-reads the key files because of an unknown key id, at most. */
export const UNKNOWN_KID_RELOAD_MS = 1000;

export class Secrets {
  private lastUnknownReload = -Infinity;
  readonly #opened = new OpenedKeys();

  /** `reload`: reads the keyring again from its sources (createSecrets passes loadMasterKeys); none: fixed keys */
  constructor(
    public keyring: Keyring,
    private readonly reload?: () => Keyring,
  ) {}

  // Defence in depth: logging or serialising this object never prints key material.
  toJSON(): object {
    return { primaryKid: this.primaryKid, kids: [...this.keyring.byKid.keys()] };
  }

  [inspect.custom](): string {
    return `Secrets { primaryKid: '${this.primaryKid}' }`;
  }

  /** id of the master key that seals new values */
  get primaryKid(): string {
    return this.keyring.primary.kid;
  }

  seal(plaintext: string, aad: string): string {
    this.refresh();
    return sealWith(this.keyring.primary, plaintext, aad);
  }

  open(sealed: string, aad: string): string {
    let plaintext = this.#opened.get(sealed, aad);
    if (plaintext === undefined) {
      plaintext = this.openSealed(sealed, aad);
      this.#opened.set(sealed, aad, plaintext);
    }
    return plaintext;
  }

  private openSealed(sealed: string, aad: string): string {
    try {
      return openWith(this.keyring, sealed, aad);
    } catch (err) {
      if (!this.reload || this.keyring.byKid.has(this.kidOf(sealed))) throw err;
      const now = performance.now();
      if (now - this.lastUnknownReload < UNKNOWN_KID_RELOAD_MS) throw err;
      this.lastUnknownReload = now;
      if (!this.refresh()) throw err;
      return openWith(this.keyring, sealed, aad);
    }
  }

  /**
   * Re-reads the key sources: the primary becomes what they name now, every key they hold can
   * open, and keys this process already had stay usable. Unreadable files leave the keyring as it
   * was (start-up reported them). Returns whether new keys were found.
   */
  refresh(): boolean {
    if (!this.reload) return false;
    let fresh: Keyring;
    try {
      fresh = this.reload();
    } catch {
      return false;
    }
    const byKid = new Map(this.keyring.byKid);
    let found = false;
    for (const [kid, key] of fresh.byKid) {
      if (!byKid.has(kid)) {
        byKid.set(kid, key);
        found = true;
      }
    }
    // the same MasterKey objects where the key is unchanged (envelope.ts caches a KeyObject per object)
    const primary = byKid.get(fresh.primary.kid)!;
    this.keyring = { ...fresh, primary, byKid };
    return found;
  }

  /** the master key id a sealed value names */
  kidOf(sealed: string): string {
    return parseSealed(sealed).kid;
  }

  /** a copy that seals with `key` and still opens everything this one opens (rotation) */
  withPrimary(key: MasterKey): Secrets {
    const byKid = new Map(this.keyring.byKid);
    byKid.set(key.kid, key);
    return new Secrets({ ...this.keyring, primary: key, byKid });
  }
}

export function createSecrets(config: Pick<Config, 'dataDir' | 'masterKey'> & MasterKeyConfig): Secrets {
  return new Secrets(loadMasterKeys(config), () => loadMasterKeys(config));
}
