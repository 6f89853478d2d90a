// `opencompress migrate`: create or upgrade the database schema (also done on every start).
import { loadConfig } from '../config.js';
import { openStore } from '../store/index.js';
import { parseCommandArgs, printJson, runCommand } from './command-support.js';

const HELP = `Usage: opencompress migrate [--json]

Applies every pending migration to the database (SQLite at DATA_DIR/opencompress.db, or
DATABASE_URL). Safe to run repeatedly and from several machines at once.
--json prints {"database","dialect","applied":[…],"already_applied":[…]}.`;

export async function run(argv: string[]): Promise<number> {
  return runCommand('migrate', HELP, async () => {
    const args = parseCommandArgs(argv, HELP, {});
    if (!args) return 0;
    const { values } = args;
    const store = await openStore(loadConfig(), { migrate: false });
    try {
      const result = await store.migrate();
      if (values.json) {
        printJson({ database: store.location, dialect: store.dialect, applied: result.applied, already_applied: result.alreadyApplied });
      } else if (result.applied.length) {
        console.log(`Applied ${result.applied.join(', ')} to ${store.location}.`);
      } else {
        console.log(`${store.location} is up to date (${result.alreadyApplied.join(', ')}).`);
      }
      return 0;
    } finally {
      await store.close();
    }
  });
}
