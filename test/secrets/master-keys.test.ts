import { test, describe, after, mock } from 'node:test';
import assert from 'node:assert/strict';
import fs, { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadMasterKeys, SecretsError, Secrets } from '../../src/secrets/index.js';
import { encodeMasterKey, generateMasterKey, keyId, parseMasterKey, promotePendingKey, readPreviousKeys, writeKeyFile, writePendingKey } from '../../src/secrets/master-keys.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'occ-mk-'));
  dirs.push(d);
  return d;
}
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('master keys', () => {
  test('parses 32 bytes as hex, base64 and base64url to the same key id', () => {
    const raw = randomBytes(32);
    const kid = keyId(raw);
    assert.equal(parseMasterKey(raw.toString('hex'), 'k').kid, kid);
    assert.equal(parseMasterKey(raw.toString('base64'), 'k').kid, kid);
    assert.equal(parseMasterKey(raw.toString('base64url'), 'k').kid, kid);
    assert.equal(parseMasterKey(`  ${raw.toString('base64')}\n`, 'k').kid, kid);
  });

  test('a wrong key is a clear error that does not echo it', () => {
    for (const bad of ['short', randomBytes(16).toString('hex'), randomBytes(31).toString('base64'), 'x'.repeat(64)]) {
      assert.throws(
        () => parseMasterKey(bad, 'OPENCOMPRESS_MASTER_KEY'),
        (err: Error) => err instanceof SecretsError && err.message.includes('OPENCOMPRESS_MASTER_KEY') && err.message.includes('32 bytes') && !err.message.includes(bad),
      );
    }
  });

  test('embedded default: generated on first start into dataDir/master.key with mode 0600, then reused', () => {
    const dir = join(tempDir(), 'nested', 'data');
    const first = loadMasterKeys({ dataDir: dir });
    assert.equal(first.source, 'file');
    const st = statSync(join(dir, 'master.key'));
    assert.equal(st.mode & 0o777, 0o600);
    const second = loadMasterKeys({ dataDir: dir });
    assert.equal(second.primary.kid, first.primary.kid);
    assert.deepEqual(second.primary.key, first.primary.key);
  });

  test('OPENCOMPRESS_MASTER_KEY wins; an existing master.key file and previous keys stay readable', () => {
    const dir = tempDir();
    const fileKey = loadMasterKeys({ dataDir: dir }).primary;
    const envKey = generateMasterKey();
    const prev = generateMasterKey();
    const ring = loadMasterKeys({ dataDir: dir, masterKey: encodeMasterKey(envKey), previousMasterKeys: [prev.key.toString('hex')] });
    assert.equal(ring.source, 'env');
    assert.equal(ring.primary.kid, envKey.kid);
    assert.deepEqual([...ring.byKid.keys()].sort(), [envKey.kid, fileKey.kid, prev.kid].sort());
    const secrets = new Secrets(ring);
    assert.equal(secrets.kidOf(secrets.seal('x', 'a')), envKey.kid);
  });

  test('env key does not create a file; a pending rotation key is readable', () => {
    const dir = tempDir();
    const envKey = generateMasterKey();
    const pending = generateMasterKey();
    writePendingKey(dir, pending);
    assert.equal(statSync(join(dir, 'master.key.next')).mode & 0o777, 0o600);
    const ring = loadMasterKeys({ dataDir: dir, masterKey: envKey.key.toString('base64') });
    assert.ok(ring.byKid.has(pending.kid));
    assert.throws(() => statSync(join(dir, 'master.key')));
  });

  test('a corrupt key file is a clear error naming the file, not its content', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'master.key'), 'not-a-key\n', { mode: 0o600 });
    assert.throws(() => loadMasterKeys({ dataDir: dir }), (err: Error) => err.message.includes('master.key') && !err.message.includes('not-a-key'));
    assert.equal(readFileSync(join(dir, 'master.key'), 'utf8'), 'not-a-key\n');
  });

  test('promoting the pending key reads master.key.next once, however many previous keys there are', () => {
    const dir = tempDir();
    const current = generateMasterKey();
    const next = generateMasterKey();
    const older = [generateMasterKey(), generateMasterKey(), generateMasterKey()];
    writeKeyFile(join(dir, 'master.key'), current);
    // a rerun after a crash: the previous list already holds the current and the pending key
    writeFileSync(join(dir, 'master.key.previous'), [...older, current, next].map((k) => encodeMasterKey(k) + '\n').join(''), { mode: 0o600 });
    writePendingKey(dir, next);
    const pendingPath = join(dir, 'master.key.next');
    let pendingReads = 0;
    const real = fs.readFileSync;
    const spy = mock.method(fs, 'readFileSync', function (this: unknown, ...args: Parameters<typeof fs.readFileSync>) {
      if (args[0] === pendingPath) pendingReads++;
      return real.apply(this, args);
    });
    syncBuiltinESMExports();
    try {
      promotePendingKey(dir);
    } finally {
      spy.mock.restore();
      syncBuiltinESMExports();
    }
    assert.equal(pendingReads, 1);
    assert.equal(parseMasterKey(readFileSync(join(dir, 'master.key'), 'utf8'), 'test').kid, next.kid);
    assert.deepEqual(
      readPreviousKeys(dir).map((k) => k.kid),
      [...older, current].map((k) => k.kid),
    );
  });
});
