// The crypto files contract (write_crypto_file() on agents, read_crypto_file() here): the
// server's long-lived X25519 key pair, made once per database so every Talon process on it
// shares one. Its public key goes to agents in the welcome; the private key never leaves the
// service (query workers send it sealed batches and get plaintext back).
import type { Principal } from "./common";

export interface CryptoFilesService {
  /** The public key agents seal batches to: X25519 SPKI DER, base64. */
  readonly publicKey: string;
  /** READ_RESULTS. The plaintext (JSON lines, UTF-8) of one sealed batch, its frame given base64; bad_request when it does not open. */
  decryptBatch(actor: Principal, frameBase64: string): Promise<string>;
}
