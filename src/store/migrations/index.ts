// The ordered list of migrations. Append new ones (002_billing, 003_dashboard, …); never reorder
// or edit one that has shipped. Names are recorded in the `opencompress_migrations` table.
import type { Kysely } from 'kysely';
import * as m001 from './001_core.js';
import * as m002 from './002_billing.js';
import * as m003 from './003_dashboard.js';

export interface Migration {
  name: string;
  up(db: Kysely<any>): Promise<void>;
}

export const migrations: Migration[] = [
  { name: '001_core', up: m001.up },
  { name: '002_billing', up: m002.up },
  { name: '003_dashboard', up: m003.up },
];
