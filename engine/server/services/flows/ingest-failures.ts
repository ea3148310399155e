// What the ingest writer does when a batch of many agents' messages cannot be stored: a failure
// that one message's content can cause (a data exception, a program limit, an error building
// the batch) is narrowed down by storing each agent's messages on their own, then one by one,
// so only the offending message and the later ones of that agent are refused (the agent resends
// them; its seqs stay in order) and everybody else's are stored. A failure of the database
// itself (connection, shutdown, resources) refuses the batch as before. Log lines carry counts,
// ids, the SQLSTATE and the database's one-line reason: never a query's parameters or a row.
import { errorFields as describeFailure } from "@/engine/server/log";

export { describeFailure };

/** PostgreSQL's deadlock_detected and serialization_failure: the whole batch is tried again. */
const RETRYABLE = new Set(["40P01", "40001"]);
/** SQLSTATE classes a message's content can cause: data exception, integrity, program limit. */
const DATA_CLASSES = new Set(["22", "23", "54"]);

function codeOf(err: unknown): string {
  return describeFailure(err).code ?? "";
}

export function isRetryable(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return RETRYABLE.has(e?.code ?? "") || RETRYABLE.has(e?.cause?.code ?? "");
}

/** Whether one message's content may be what failed the batch (so splitting it can help). */
export function isContentFailure(err: unknown): boolean {
  const code = codeOf(err);
  if (!code) return true; // a JavaScript error while building or encoding the batch
  if (!/^[0-9A-Z]{5}$/.test(code)) return false; // the driver's own: connection closed, timeouts
  return DATA_CLASSES.has(code.slice(0, 2));
}

export interface Isolatable {
  clientId: string;
  message: { seq: number; type: string };
  reject(err: Error): void;
}

/**
 * Stores what it can of a failed batch: each client's messages together, and a client whose
 * group fails one message at a time in order; the first message that fails alone is refused
 * with the rest of that client's. `write` stores (and resolves) the items it is given, or throws.
 */
export async function isolateFailure<T extends Isolatable>(
  items: T[],
  write: (items: T[]) => Promise<void>,
  log: { warn(m: string, f?: Record<string, unknown>): void },
): Promise<void> {
  const byClient = new Map<string, T[]>();
  for (const it of items) {
    let list = byClient.get(it.clientId);
    if (!list) byClient.set(it.clientId, (list = []));
    list.push(it);
  }
  for (const [clientId, group] of byClient) {
    if (byClient.size > 1) {
      const ok = await write(group).then(() => true, () => false);
      if (ok) continue;
    }
    for (let i = 0; i < group.length; i++) {
      const err = await write([group[i]!]).then(() => undefined, (e: unknown) => e as Error);
      if (!err) continue;
      log.warn("an agent's message could not be stored; that agent's connection is closed and it resends", {
        clientId,
        seq: group[i]!.message.seq,
        type: group[i]!.message.type,
        refused: group.length - i,
        ...describeFailure(err),
      });
      for (const it of group.slice(i)) it.reject(err instanceof Error ? err : new Error(String(err)));
      break;
    }
  }
}
