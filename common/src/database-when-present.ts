/**
 * The lab's database as a part that does not own it sees it (a tool service, the model server): it
 * reads the proxy-manager's record or adds its own rows, but must go on serving when the file is not
 * there yet or is locked. The tool services' planned errors and steered ERROR_PROB, the model
 * gateway's planned LLM faults and the services' request records all reach the database this way.
 */
import { existsSync } from 'node:fs';
import { openDatabase, type Database } from './database.js';
import type { Logger } from './logger.js';

/** Runs `use` on the database; undefined when the file is not there yet or `use` threw. */
export type DatabaseUse = <T>(use: (db: Database) => T) => T | undefined;

/**
 * Access to the database at `dbPath`, opened at the first use that finds the file (the launcher
 * creates it before it starts the parts) and kept open. A use that throws is logged once, as
 * `warning`, and answers undefined, so a missing or locked database never fails the part's own work.
 * @param options `readonly` opens without migrating (a part that only reads); `logger` and `warning`
 *   for the one warning, e.g. `planned faults cannot be read: none applied`
 */
export function databaseWhenPresent(
  dbPath: string,
  options: { readonly?: boolean; logger: Logger; warning: string },
): DatabaseUse {
  let db: Database | undefined;
  let warned = false;
  return (use) => {
    try {
      if (!db) {
        if (!existsSync(dbPath)) return undefined;
        db = openDatabase(dbPath, { readonly: options.readonly });
      }
      return use(db);
    } catch (err) {
      if (!warned) options.logger.warn({ err: (err as Error).message }, options.warning);
      warned = true;
      return undefined;
    }
  };
}
