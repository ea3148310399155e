// The server's own long-lived key pairs, made once and shared by every Talon process on the
// database. `crypto-file`: the X25519 pair agents seal write_crypto_file() batches to (its
// public key goes out in every welcome). The private key is never listed, logged or audited;
// only drizzle/queries/server-keys.ts reads it, for the server-keys service.
import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const serverKeys = pgTable("server_keys", {
  name: text("name").primaryKey(),
  /** SPKI DER, base64. */
  publicKey: text("public_key").notNull(),
  /** PKCS#8 DER, base64. */
  privateKey: text("private_key").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
