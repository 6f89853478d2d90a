// The pepper of API-key hashes (HMAC-SHA256(pepper, key)). One random 32-byte value per install,
// generated on first start and stored in the database SEALED under the master key, so:
//  - every node sharing a database and master key computes the same hashes (no per-node file);
//  - a database leak alone does not reveal it (it needs the master key too);
//  - rotating the master key re-seals the pepper but never changes it (keys stay valid).
// See docs/decisions/0002-key-pepper.md.
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/index.js';
import { getOrInsertSetting } from '../store/settings.js';
import { SecretsError } from './errors.js';
import type { Secrets } from './index.js';

export const PEPPER_SETTING = 'key_pepper';
export const PEPPER_AAD = 'settings:key_pepper';

export async function loadPepper(store: Store, secrets: Secrets): Promise<Buffer> {
  const candidate = secrets.seal(randomBytes(32).toString('base64'), PEPPER_AAD);
  const stored = await getOrInsertSetting(store.db, PEPPER_SETTING, candidate); // first process wins
  const pepper = Buffer.from(secrets.open(stored, PEPPER_AAD), 'base64');
  if (pepper.length !== 32) throw new SecretsError('the stored key pepper is malformed');
  return pepper;
}
