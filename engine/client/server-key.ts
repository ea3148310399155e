// The server's crypto-file public key as this agent last received it in a welcome, for
// write_crypto_file(). Kept in the state dir (server-key.json) so an agent that starts while
// the server is away still seals its batches; absent until the first welcome that carries one.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { z } from "zod";

export interface ServerKeyStore {
  load(): string | undefined;
  save(key: string): void;
}

const SavedSchema = z.object({ serverPublicKey: z.string().min(1).max(200) });

/** In memory only (pool agents, tests). */
export function memoryServerKeyStore(initial?: string): ServerKeyStore {
  let key = initial;
  return { load: () => key, save: (k) => void (key = k) };
}

/** A JSON file, replaced atomically; a missing or unreadable file is no key. */
export function fileServerKeyStore(path: string): ServerKeyStore {
  return {
    load() {
      try {
        const parsed = SavedSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
        return parsed.success ? parsed.data.serverPublicKey : undefined;
      } catch {
        return undefined;
      }
    },
    save(key) {
      writeFileSync(`${path}.tmp`, JSON.stringify({ serverPublicKey: key }), { mode: 0o600 });
      renameSync(`${path}.tmp`, path);
    },
  };
}

/** The key now, remembering a new one from a welcome (saved only when it changed). */
export function serverKeyHolder(store: ServerKeyStore) {
  let current = store.load();
  return {
    get: () => current,
    update(key: string | undefined) {
      if (!key || key === current) return;
      current = key;
      store.save(key);
    },
  };
}
