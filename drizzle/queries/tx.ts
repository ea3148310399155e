// Transactions for services: run several queries atomically without importing drizzle-orm.
import type { Db } from "../client";

export async function inTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => fn(tx as unknown as Db));
}
