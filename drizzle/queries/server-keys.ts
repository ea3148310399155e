// The server's key pairs: made at most once per name, whichever process gets there first.
import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { serverKeys } from "../schema";

/**
 * The key pair stored as `name`; when there is none, `make()`'s is stored and returned. Insert
 * with ON CONFLICT DO NOTHING then read back, so processes racing on one database all end with
 * the pair that won.
 */
export async function getOrCreateServerKey(db: Db, name: string, make: () => { publicKey: string; privateKey: string }): Promise<{ publicKey: string; privateKey: string }> {
  const read = async () => (await db.select({ publicKey: serverKeys.publicKey, privateKey: serverKeys.privateKey }).from(serverKeys).where(eq(serverKeys.name, name)))[0];
  const found = await read();
  if (found) return found;
  await db.insert(serverKeys).values({ name, ...make() }).onConflictDoNothing({ target: serverKeys.name });
  const stored = await read();
  if (!stored) throw new Error(`the server key ${name} could not be stored`);
  return stored;
}
