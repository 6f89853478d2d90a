// Loading the master key(s) that seal upstream keys (DESIGN.md §7).
// Primary key: OPENCOMPRESS_MASTER_KEY (32 bytes, base64 or hex), else `${dataDir}/master.key`,
// generated on first start with mode 0600 (the embedded default). Extra keys that can still OPEN
// (never seal): OPENCOMPRESS_PREVIOUS_MASTER_KEYS, `master.key` when the env key replaced it, and
// `master.key.next` left by an interrupted file-mode rotation. Each key is known by a key id (kid)
// derived from it, so a sealed value names the key that opens it without revealing anything.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { SecretsError } from './errors.js';

export interface MasterKey {
  kid: string;
  key: Buffer;
}

export interface Keyring {
  /** seals new values */
  primary: MasterKey;
  /** every key that can open, by kid (includes primary) */
  byKid: Map<string, MasterKey>;
  /** where the primary came from */
  source: 'env' | 'file';
  /** `${dataDir}/master.key` (whether or not it is in use) */
  file: string;
}

export type MasterKeyConfig = Pick<Config, 'dataDir' | 'masterKey'> & { previousMasterKeys?: string[] };

export const MASTER_KEY_FILE = 'master.key';
export const PENDING_KEY_FILE = 'master.key.next';

/** Deterministic, non-secret id of a key: 8 base64url chars of a domain-separated SHA-256. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update('opencompress/master-key-id/v1\0').update(key).digest('base64url').slice(0, 8);
}

/** Parse a 32-byte key given as 64 hex characters or base64/base64url. `what` names it in errors. */
export function parseMasterKey(text: string, what: string): MasterKey {
  const s = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(s)) key = Buffer.from(s, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(s)) key = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (!key || key.length !== 32) {
    throw new SecretsError(`${what} must be 32 bytes written as 64 hex characters or base64 (generate one with \`openssl rand -base64 32\`)`);
  }
  return { kid: keyId(key), key };
}

export function generateMasterKey(): MasterKey {
  const key = randomBytes(32);
  return { kid: keyId(key), key };
}

export function encodeMasterKey(k: MasterKey): string {
  return k.key.toString('base64');
}

function readKeyFile(path: string): MasterKey {
  return parseMasterKey(readFileSync(path, 'utf8'), `the master key file ${path}`);
}

/** Write a key file with mode 0600 without ever exposing it more widely; fails if it exists. */
export function writeKeyFile(path: string, k: MasterKey): void {
  writeFileSync(path, encodeMasterKey(k) + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600); // in case the umask or filesystem ignored the mode
}

/** Read `${dataDir}/master.key`, creating it (0600) on first start; safe if two processes race. */
export function ensureKeyFile(dataDir: string): MasterKey {
  const path = join(dataDir, MASTER_KEY_FILE);
  if (existsSync(path)) return readKeyFile(path);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const fresh = generateMasterKey();
  try {
    writeKeyFile(path, fresh);
    return fresh;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readKeyFile(path); // another process won
    throw err;
  }
}

export function loadMasterKeys(config: MasterKeyConfig): Keyring {
  const file = join(config.dataDir, MASTER_KEY_FILE);
  const pending = join(config.dataDir, PENDING_KEY_FILE);
  const byKid = new Map<string, MasterKey>();
  let primary: MasterKey;
  let source: Keyring['source'];
  if (config.masterKey) {
    primary = parseMasterKey(config.masterKey, 'OPENCOMPRESS_MASTER_KEY');
    source = 'env';
    if (existsSync(file)) {
      const old = readKeyFile(file);
      byKid.set(old.kid, old);
    }
  } else {
    primary = ensureKeyFile(config.dataDir);
    source = 'file';
  }
  if (existsSync(pending)) {
    const next = readKeyFile(pending);
    byKid.set(next.kid, next);
  }
  (config.previousMasterKeys ?? []).forEach((text, i) => {
    const k = parseMasterKey(text, `OPENCOMPRESS_PREVIOUS_MASTER_KEYS entry ${i + 1}`);
    byKid.set(k.kid, k);
  });
  byKid.set(primary.kid, primary);
  return { primary, byKid, source, file };
}

/** File-mode rotation, step 1: the new key is written next to the old one before any row changes. */
export function writePendingKey(dataDir: string, k: MasterKey): void {
  writeKeyFile(join(dataDir, PENDING_KEY_FILE), k);
}

export function readPendingKey(dataDir: string): MasterKey | undefined {
  const path = join(dataDir, PENDING_KEY_FILE);
  return existsSync(path) ? readKeyFile(path) : undefined;
}

/** File-mode rotation, last step: the new key replaces master.key atomically; the old key is gone. */
export function promotePendingKey(dataDir: string): void {
  renameSync(join(dataDir, PENDING_KEY_FILE), join(dataDir, MASTER_KEY_FILE));
}
