// Master-key rotation: re-seal every sealed value (BYOK upstream keys, the key pepper) under the
// primary key of `secrets`. Idempotent and restartable: values already under the primary are
// skipped, each row is replaced with compare-and-set, and nothing is written unless every value's
// master key is available (checked first). The pepper itself never changes, so API keys stay valid.
import type { Store } from '../store/index.js';
import { listSealedKeys, replaceSealedKey } from '../store/keys.js';
import { getSetting, replaceSetting } from '../store/settings.js';
import { SecretsError } from './errors.js';
import { upstreamKeyAad, type Secrets } from './index.js';
import { PEPPER_AAD, PEPPER_SETTING } from './pepper.js';

export interface RotationResult {
  /** the master key id everything is sealed under now */
  kid: string;
  resealed: number;
  alreadyCurrent: number;
}

const PAGE = 200;

async function* sealedRows(store: Store) {
  let after = '';
  for (;;) {
    const page = await listSealedKeys(store.db, after, PAGE);
    for (const row of page) if (row.upstream_key_sealed) yield { id: row.id, accountId: row.account_id, sealed: row.upstream_key_sealed };
    if (page.length < PAGE) return;
    after = page[page.length - 1].id;
  }
}

/** Master key ids in use and how many values each seals. */
export async function sealedKidCounts(store: Store, secrets: Secrets): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const add = (sealed: string) => {
    const kid = secrets.kidOf(sealed);
    counts.set(kid, (counts.get(kid) ?? 0) + 1);
  };
  const pepper = await getSetting(store.db, PEPPER_SETTING);
  if (pepper) add(pepper);
  for await (const row of sealedRows(store)) add(row.sealed);
  return counts;
}

export async function resealAll(store: Store, secrets: Secrets): Promise<RotationResult> {
  const kid = secrets.primaryKid;
  const missing = [...(await sealedKidCounts(store, secrets)).keys()].filter((k) => !secrets.keyring.byKid.has(k));
  if (missing.length) {
    throw new SecretsError(
      `values are sealed under master key id(s) ${missing.join(', ')}, which this process does not have; list the old key(s) in OPENCOMPRESS_PREVIOUS_MASTER_KEYS. Nothing was changed.`,
    );
  }
  let resealed = 0;
  let alreadyCurrent = 0;

  const pepper = await getSetting(store.db, PEPPER_SETTING);
  if (pepper && secrets.kidOf(pepper) !== kid) {
    const fresh = secrets.seal(secrets.open(pepper, PEPPER_AAD), PEPPER_AAD);
    if (!(await replaceSetting(store.db, PEPPER_SETTING, pepper, fresh))) throw new SecretsError('the key pepper changed during rotation; run rotate-master-key again');
    resealed++;
  } else if (pepper) alreadyCurrent++;

  for await (const row of sealedRows(store)) {
    if (secrets.kidOf(row.sealed) === kid) {
      alreadyCurrent++;
      continue;
    }
    const aad = upstreamKeyAad(row.accountId, row.id);
    const fresh = secrets.seal(secrets.open(row.sealed, aad), aad);
    if (!(await replaceSealedKey(store.db, row.id, row.sealed, fresh))) {
      throw new SecretsError(`the upstream key of ${row.id} changed during rotation; run rotate-master-key again`);
    }
    resealed++;
  }
  return { kid, resealed, alreadyCurrent };
}
