// The crypto files service: loads the server's `crypto-file` X25519 key pair from the database,
// making it first when no process has yet (drizzle/queries/server-keys.ts: create-if-absent, so
// processes racing on one database agree), and opens batches agents sealed to it.
import { queries } from "@/drizzle";
import { requirePermission, ServiceError, type CryptoFilesService, type Principal, type ServiceDeps } from "@/engine/server/contracts";
import { CryptoFileError, newServerKeyPair, openFrame } from "@/engine/endpoint/crypto-file/format";

export const CRYPTO_FILE_KEY = "crypto-file";

export type CryptoFilesDeps = Pick<ServiceDeps, "database">;

export async function startCryptoFiles(deps: CryptoFilesDeps): Promise<CryptoFilesService> {
  const pair = await queries.getOrCreateServerKey(deps.database.db, CRYPTO_FILE_KEY, newServerKeyPair);
  return {
    publicKey: pair.publicKey,
    async decryptBatch(actor: Principal, frameBase64: string): Promise<string> {
      requirePermission(actor, "READ_RESULTS");
      try {
        return openFrame(Buffer.from(frameBase64, "base64"), pair).toString("utf8");
      } catch (err) {
        if (err instanceof CryptoFileError) throw new ServiceError("bad_request", err.message);
        throw err;
      }
    },
  };
}
