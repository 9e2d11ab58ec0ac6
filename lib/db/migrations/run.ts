import { type Kysely, sql } from 'kysely';

/**
 * Runs DDL statements one by one: PGlite's query path takes one statement at a time, and a migration reads
 * better as the list of statements it applies.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before (and regardless of) the typed schema.
export async function runStatements(db: Kysely<any>, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
