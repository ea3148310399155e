// Results of raw statements in one shape: postgres.js returns an array of rows, PGlite an
// object with `rows`; and hot bulk statements run as prepared statements. Only the query
// modules use it.
import type { Db } from "../client";
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] } | undefined)?.rows ?? []) as T[];
}

type PostgresJsClient = { unsafe(text: string, params: unknown[], o: { prepare: boolean }): Promise<unknown> };
type PgliteClient = { query(text: string, params: unknown[]): Promise<{ rows: unknown[] }> };

/**
 * A hot bulk statement through the driver itself: on postgres.js as a named prepared statement
 * (drizzle's execute() re-parses every statement; for the journal's batch append that costs a
 * third of its throughput), on PGlite as a plain parameterised query. `db` may be a transaction:
 * drizzle keeps the driver's connection (or transaction) on its session.
 */
export async function preparedRows<T>(db: Db, text: string, params: unknown[]): Promise<T[]> {
  const client = (db as unknown as { session?: { client?: PostgresJsClient | PgliteClient } }).session?.client;
  if (client && "unsafe" in client) return rowsOf<T>(await client.unsafe(text, params, { prepare: true }));
  if (client && "query" in client) return (await client.query(text, params)).rows as T[];
  throw new Error("preparedRows: unknown database driver");
}
