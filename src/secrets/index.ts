// The secrets/ facade: `createSecrets(config)` → { seal, open } over the loaded master keys.
// A plaintext upstream key exists only here and, for one upstream call, in upstream/.
import { inspect } from 'node:util';
import type { Config } from '../config.js';
import { openWith, parseSealed, sealWith } from './envelope.js';
import { loadMasterKeys, type Keyring, type MasterKey, type MasterKeyConfig } from './master-keys.js';

export { SecretsError } from './errors.js';
export { loadMasterKeys, type Keyring, type MasterKey } from './master-keys.js';

/** AAD of an upstream key: binds the ciphertext to its row, so it cannot be moved to another key. */
export function upstreamKeyAad(accountId: string, keyId: string): string {
  return `${accountId}:${keyId}`;
}

export class Secrets {
  constructor(readonly keyring: Keyring) {}

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
    return sealWith(this.keyring.primary, plaintext, aad);
  }

  open(sealed: string, aad: string): string {
    return openWith(this.keyring, sealed, aad);
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
  return new Secrets(loadMasterKeys(config));
}
