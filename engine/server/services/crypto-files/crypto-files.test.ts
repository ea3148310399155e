// The crypto files service: one key pair per database (a second start finds the first's), batches
// sealed to it open to their rows, READ_RESULTS needed, a damaged batch or one sealed to another
// key is a bad_request with the format's sentence.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/drizzle";
import { testDatabaseTargets } from "@/drizzle/testing";
import { encodeRows, newServerKeyPair, sealFrame } from "@/engine/endpoint/crypto-file/format";
import { principal } from "../notebooks/testing";
import { startCryptoFiles } from "./start";

const admin = principal("admin", "administrator");

for (const target of testDatabaseTargets()) {
  describe(`crypto files service on ${target.name}`, () => {
    let database: Database;
    beforeAll(async () => {
      database = await target.open();
    });
    afterAll(async () => database?.close());

    it("makes the key pair once: a second start has the same public key", async () => {
      const one = await startCryptoFiles({ database });
      const two = await startCryptoFiles({ database });
      expect(two.publicKey).toBe(one.publicKey);
      expect(Buffer.from(one.publicKey, "base64").length).toBe(44);
    });

    it("opens a sealed batch to its JSON lines, for READ_RESULTS only", async () => {
      const s = await startCryptoFiles({ database });
      const frame = sealFrame(encodeRows(['{"A":1}', '{"B":2}']), s.publicKey).toString("base64");
      expect(await s.decryptBatch(admin, frame)).toBe('{"A":1}\n{"B":2}\n');
      const nobody = { ...admin, permissions: new Set<never>() };
      await expect(s.decryptBatch(nobody, frame)).rejects.toMatchObject({ code: "forbidden" });
    });

    it("refuses a damaged batch and one sealed to another key", async () => {
      const s = await startCryptoFiles({ database });
      const good = sealFrame(encodeRows(['{"A":1}']), s.publicKey);
      const bad = Buffer.from(good);
      bad[bad.length - 1]! ^= 1;
      await expect(s.decryptBatch(admin, bad.toString("base64"))).rejects.toMatchObject({ code: "bad_request", message: "a batch failed authentication: the file was altered or damaged" });
      const other = sealFrame(encodeRows(['{"A":1}']), newServerKeyPair().publicKey);
      await expect(s.decryptBatch(admin, other.toString("base64"))).rejects.toMatchObject({ code: "bad_request", message: "this batch was sealed to another server key" });
    });
  });
}
