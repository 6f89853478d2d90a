// `opencompress rotate-master-key`: re-encrypt every stored upstream key (and the sealed key pepper)
// under a new master key. Two ways, depending on where the master key lives (docs/storage-and-keys.md):
//  - embedded default (DATA_DIR/master.key): a new key is generated (or --new-key), written to
//    master.key.next first, every row re-sealed, then the old key is moved to master.key.previous
//    and the new one replaces master.key; an interrupted run is finished by running the command
//    again (master.key.next stays readable meanwhile). Running gateways pick the new key up by
//    themselves (secrets/index.ts) and keep the old one readable; `--remove-previous`, run any time
//    later, re-seals whatever is still under an old key and deletes master.key.previous.
//  - OPENCOMPRESS_MASTER_KEY: set it to the NEW key and OPENCOMPRESS_PREVIOUS_MASTER_KEYS to the old
//    one(s) on every node, then run this; afterwards the old keys are no longer needed.
import { loadConfig } from '../config.js';
import { openStore } from '../store/index.js';
import { Secrets, loadMasterKeys } from '../secrets/index.js';
import {
  generateMasterKey,
  parseMasterKey,
  PREVIOUS_KEYS_FILE,
  promotePendingKey,
  readPendingKey,
  readPreviousKeys,
  removePreviousKeys,
  writePendingKey,
} from '../secrets/master-keys.js';
import { resealAll, sealedKidCounts } from '../secrets/rotate.js';
import { parseCommandArgs, printJson, runCommand, UsageError } from './command-support.js';

const HELP = `Usage: opencompress rotate-master-key [--new-key KEY] [--json]
       opencompress rotate-master-key --remove-previous [--json]

Re-encrypts every stored upstream key and the API-key pepper under a new master key.
API keys (sk-occ-…) keep working; BYOK upstream keys stay readable.

Embedded default (no OPENCOMPRESS_MASTER_KEY): generates a new key (or uses --new-key,
32 bytes as base64 or hex), re-encrypts, and replaces DATA_DIR/master.key. The old key
is kept in DATA_DIR/master.key.previous (it can still decrypt, never encrypt), so
gateways that are running keep working: they pick up the new key by themselves, no
restart needed, and anything one of them encrypted while the rotation ran stays
readable. Any time later (seconds are enough), --remove-previous re-encrypts whatever is
still under an old key and deletes master.key.previous.

With OPENCOMPRESS_MASTER_KEY: first set OPENCOMPRESS_MASTER_KEY to the new key and
OPENCOMPRESS_PREVIOUS_MASTER_KEYS to the old key(s) on every gateway (they then read
both), then run this command with the same environment; afterwards remove
OPENCOMPRESS_PREVIOUS_MASTER_KEYS. --new-key is not accepted in this mode.

--json prints {"kid","resealed","already_current","source"} (--remove-previous adds
"removed": the number of old keys deleted).`;

export async function run(argv: string[]): Promise<number> {
  return runCommand('rotate-master-key', HELP, async () => {
    const args = parseCommandArgs(argv, HELP, { 'new-key': { type: 'string' }, 'remove-previous': { type: 'boolean' } });
    if (!args) return 0;
    const { values } = args;
    const config = loadConfig();
    const keyring = loadMasterKeys(config);
    let secrets = new Secrets(keyring);
    if (values['remove-previous']) {
      if (values['new-key'] !== undefined) throw new UsageError('--remove-previous and --new-key do not go together: rotate first, remove the previous keys later');
      if (keyring.source === 'env') throw new UsageError('OPENCOMPRESS_MASTER_KEY is set: remove OPENCOMPRESS_PREVIOUS_MASTER_KEYS from the environment instead');
      if (readPendingKey(config.dataDir)) throw new UsageError('a rotation is unfinished (DATA_DIR/master.key.next): run rotate-master-key without --remove-previous first');
      return removePrevious(config, secrets, values.json === true);
    }
    if (keyring.source === 'env') {
      if (values['new-key'] !== undefined) {
        throw new UsageError('OPENCOMPRESS_MASTER_KEY is set: put the new key there and the old one in OPENCOMPRESS_PREVIOUS_MASTER_KEYS instead of --new-key');
      }
    } else {
      let target = readPendingKey(config.dataDir); // an interrupted rotation is finished with its key
      if (values['new-key'] !== undefined) {
        let given;
        try {
          given = parseMasterKey(values['new-key'], '--new-key');
        } catch (err) {
          throw new UsageError((err as Error).message);
        }
        if (target && target.kid !== given.kid) throw new UsageError('an interrupted rotation to another key is pending (DATA_DIR/master.key.next); run without --new-key to finish it first');
        if (given.kid === keyring.primary.kid) throw new UsageError('--new-key is the current master key');
        target = given;
      }
      if (!target) target = generateMasterKey();
      if (!readPendingKey(config.dataDir)) writePendingKey(config.dataDir, target);
      secrets = secrets.withPrimary(target);
    }
    const store = await openStore(config);
    let result;
    try {
      result = await resealAll(store, secrets);
    } finally {
      await store.close();
    }
    if (keyring.source === 'file') promotePendingKey(config.dataDir);
    if (values.json) {
      printJson({ kid: result.kid, resealed: result.resealed, already_current: result.alreadyCurrent, source: keyring.source });
    } else {
      console.log(`Every sealed value is now under master key ${result.kid} (${result.resealed} re-encrypted, ${result.alreadyCurrent} already current).`);
      if (keyring.source === 'file') {
        console.log(`${keyring.file} holds the new key; the old one is kept in ${PREVIOUS_KEYS_FILE} (decrypt only) so running gateways keep working — they pick up the new key without a restart.`);
        console.log('Later, run `opencompress rotate-master-key --remove-previous` to delete it.');
      }
      else console.log('The old master key(s) are no longer needed: remove OPENCOMPRESS_PREVIOUS_MASTER_KEYS (and DATA_DIR/master.key, if any) from every node.');
    }
    return 0;
  });
}

/** `--remove-previous`: re-seal anything still under an old key (sealed while a rotation ran), then delete master.key.previous. */
async function removePrevious(config: ReturnType<typeof loadConfig>, secrets: Secrets, json: boolean): Promise<number> {
  const previous = readPreviousKeys(config.dataDir);
  const store = await openStore(config);
  let result;
  try {
    result = await resealAll(store, secrets);
    const left = [...(await sealedKidCounts(store, secrets)).keys()].filter((kid) => kid !== secrets.primaryKid);
    if (left.length) throw new Error(`values are still sealed under master key id(s) ${left.join(', ')} (written while this ran); run it again`);
  } finally {
    await store.close();
  }
  removePreviousKeys(config.dataDir);
  if (json) {
    printJson({ kid: result.kid, resealed: result.resealed, already_current: result.alreadyCurrent, source: 'file', removed: previous.length });
  } else {
    console.log(
      `Every sealed value is under master key ${result.kid} (${result.resealed} re-encrypted now). ` +
        (previous.length ? `Removed ${previous.length} previous key(s) (${PREVIOUS_KEYS_FILE}).` : 'There were no previous keys to remove.'),
    );
  }
  return 0;
}
