// Loading the master key(s) that seal upstream keys (DESIGN.md §7).
// Primary key: OPENCOMPRESS_MASTER_KEY (32 bytes, base64 or hex), else `${dataDir}/master.key`,
// generated on first start with mode 0600 (the embedded default). Extra keys that can still OPEN
// (never seal): OPENCOMPRESS_PREVIOUS_MASTER_KEYS, `master.key` when the env key replaced it,
// `master.key.next` written by a file-mode rotation before it re-seals anything (left behind if
// interrupted), and `master.key.previous` — the keys file-mode rotations replaced, one a line,
// kept until `rotate-master-key --remove-previous` (running gateways and values sealed during a
// rotation keep working; docs/storage-and-keys.md). Each key is known by a key id (kid) derived
// from it, so a sealed value names the key that opens it without revealing anything. Key files
// are written whole or not at all (a temporary file linked or renamed into place), because
// running processes re-read them (secrets/index.ts).
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
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
export const PREVIOUS_KEYS_FILE = 'master.key.previous';

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

/** The keys of a file holding one key a line (blank lines ignored). */
function readKeysFile(path: string): MasterKey[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => parseMasterKey(line, `line ${i + 1} of the master key file ${path}`));
}

/** A temporary file next to `path` with `text`, mode 0600 (never exposed more widely). */
function writeTemp(path: string, text: string): string {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
  chmodSync(tmp, 0o600); // in case the umask or filesystem ignored the mode
  return tmp;
}

/** Write a key file with mode 0600, whole or not at all; fails (EEXIST) if it exists. */
export function writeKeyFile(path: string, k: MasterKey): void {
  const tmp = writeTemp(path, encodeMasterKey(k) + '\n');
  try {
    linkSync(tmp, path); // atomic, and fails if `path` exists — a reader never sees half a key
  } finally {
    unlinkSync(tmp);
  }
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
  const previous = join(config.dataDir, PREVIOUS_KEYS_FILE);
  if (existsSync(previous)) for (const k of readKeysFile(previous)) byKid.set(k.kid, k);
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

/** The keys in `master.key.previous` (empty when there is none). */
export function readPreviousKeys(dataDir: string): MasterKey[] {
  const path = join(dataDir, PREVIOUS_KEYS_FILE);
  return existsSync(path) ? readKeysFile(path) : [];
}

/**
 * File-mode rotation, last step: the current master.key is added to master.key.previous (so what
 * it sealed stays readable: running gateways, values sealed while the rotation ran), then the new
 * key replaces master.key. Each file changes atomically; a crash in between leaves both keys
 * readable and the rotation finishes when run again.
 */
export function promotePendingKey(dataDir: string): void {
  const file = join(dataDir, MASTER_KEY_FILE);
  const pending = join(dataDir, PENDING_KEY_FILE);
  if (existsSync(file)) {
    const old = readKeyFile(file);
    const next = readKeyFile(pending).kid;
    const kept = readPreviousKeys(dataDir).filter((k) => k.kid !== old.kid && k.kid !== next);
    const previous = join(dataDir, PREVIOUS_KEYS_FILE);
    renameSync(writeTemp(previous, [...kept, old].map((k) => encodeMasterKey(k) + '\n').join('')), previous);
  }
  renameSync(pending, file);
}

/** File-mode rotation, final clean-up: forget the replaced keys (the caller checked nothing is sealed under them). */
export function removePreviousKeys(dataDir: string): void {
  const path = join(dataDir, PREVIOUS_KEYS_FILE);
  if (existsSync(path)) unlinkSync(path);
}
