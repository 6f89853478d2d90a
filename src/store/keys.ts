// SQL for the `api_keys` table. Rules (format, hashing, the 5-key limit, caching) live in accounts/keys.ts.
import type { Kysely } from 'kysely';
import type { ApiKeyPatch, ApiKeyRow, Database, NewApiKeyRow } from './schema.js';

type Db = Kysely<Database>;

export async function insertKey(db: Db, row: NewApiKeyRow): Promise<void> {
  await db.insertInto('api_keys').values(row).execute();
}

/** The verify path: one indexed lookup by HMAC. Returns revoked keys too (callers check revoked_at). */
export async function findByHash(db: Db, keyHash: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
}

export async function findKeyById(db: Db, id: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function countActiveKeys(db: Db, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listKeysForAccount(db: Db, accountId: string, opts: { includeRevoked?: boolean } = {}): Promise<ApiKeyRow[]> {
  let q = db.selectFrom('api_keys').selectAll().where('account_id', '=', accountId);
  if (!opts.includeRevoked) q = q.where('revoked_at', 'is', null);
  return q.orderBy('created_at').orderBy('id').execute();
}

/** Sets revoked_at if the key is active; returns the row as it is afterwards, or undefined if absent. */
export async function revokeKey(db: Db, id: string, at: string): Promise<ApiKeyRow | undefined> {
  await db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  return findKeyById(db, id);
}

export async function updateKey(db: Db, id: string, patch: ApiKeyPatch): Promise<boolean> {
  if (Object.keys(patch).length === 0) return (await findKeyById(db, id)) !== undefined;
  const r = await db.updateTable('api_keys').set(patch).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** One transaction for a batch of last-used times; never moves a time backwards (several nodes write). */
export async function touchKeys(db: Db, touches: ReadonlyMap<string, string>): Promise<void> {
  if (touches.size === 0) return;
  await db.transaction().execute(async (trx) => {
    for (const [id, at] of touches) {
      await trx
        .updateTable('api_keys')
        .set({ last_used_at: at })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
        .execute();
    }
  });
}

/** Rows holding a sealed upstream key, for master-key rotation (paged by id). */
export async function listSealedKeys(db: Db, afterId: string, limit: number): Promise<Pick<ApiKeyRow, 'id' | 'account_id' | 'upstream_key_sealed'>[]> {
  return db
    .selectFrom('api_keys')
    .select(['id', 'account_id', 'upstream_key_sealed'])
    .where('upstream_key_sealed', 'is not', null)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Compare-and-set of a sealed upstream key (rotation must not overwrite a concurrent change). */
export async function replaceSealedKey(db: Db, id: string, expected: string, sealed: string): Promise<boolean> {
  const r = await db
    .updateTable('api_keys')
    .set({ upstream_key_sealed: sealed })
    .where('id', '=', id)
    .where('upstream_key_sealed', '=', expected)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
