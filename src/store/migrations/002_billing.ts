// 002_billing: per-request usage rows, prepaid balances and the credit/charge ledger (DESIGN.md §5).
// Money columns are integer micro-dollars (bigint: INTEGER affinity on SQLite, int8 on PostgreSQL).
// No foreign keys on usage/ledger: rows are written in background batches and must never be
// rejected because a key or account was removed meanwhile.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('usage')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('original_input_tokens', 'integer', (c) => c.notNull())
    .addColumn('compressed_input_tokens', 'integer', (c) => c.notNull())
    .addColumn('tokens_saved', 'integer', (c) => c.notNull())
    .addColumn('output_tokens', 'integer', (c) => c.notNull())
    .addColumn('cached_input_tokens', 'integer', (c) => c.notNull())
    .addColumn('usage_reported', 'integer', (c) => c.notNull())
    .addColumn('price_known', 'integer', (c) => c.notNull())
    .addColumn('savings_micros', 'bigint', (c) => c.notNull())
    .addColumn('llm_cost_micros', 'bigint', (c) => c.notNull())
    .addColumn('fee_micros', 'bigint', (c) => c.notNull())
    .addColumn('charged_micros', 'bigint', (c) => c.notNull())
    .addColumn('shortfall_micros', 'bigint', (c) => c.notNull())
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('usage_account_time_idx').ifNotExists().on('usage').columns(['account_id', 'created_at']).execute();
  await db.schema.createIndex('usage_key_time_idx').ifNotExists().on('usage').columns(['key_id', 'created_at']).execute();
  await db.schema.createIndex('usage_request_idx').ifNotExists().on('usage').column('request_id').execute();

  await db.schema
    .createTable('balances')
    .ifNotExists()
    .addColumn('account_id', 'text', (c) => c.primaryKey())
    .addColumn('micros', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('ledger')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('amount_micros', 'bigint', (c) => c.notNull())
    .addColumn('balance_after_micros', 'bigint', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('ledger_account_time_idx').ifNotExists().on('ledger').columns(['account_id', 'created_at']).execute();
}
