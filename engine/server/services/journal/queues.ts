// Which queues the journal keeps in memory only, and how long it keeps the others.
// Velociraptor does not store INTERNAL queues; Talon stores most of them because its services
// consume them durably (the interrogation service reads Server.Internal.Enrollment and
// System.Flow.Completion with stored cursors). Memory-only queues carry signals that are
// worthless later and too frequent to store; they are relayed to every process, never stored,
// and a subscriber sees only what arrives while it listens.
export const MEMORY_ONLY_QUEUES: ReadonlySet<string> = new Set([
  // New flows (and cancels) for a client: the process that holds the client's socket sends them.
  "Server.Internal.ClientScheduled",
]);

export const DEFAULT_RETENTION_DAYS = 30;

/** `Queue=days,Queue=days` (TALON_EVENT_RETENTION) into a map; bad entries are reported. */
export function parseRetention(text: string | undefined): { perQueue: Map<string, number>; problems: string[] } {
  const perQueue = new Map<string, number>();
  const problems: string[] = [];
  for (const part of (text ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z0-9_.\/ -]+)=(\d{1,5})$/.exec(part);
    if (!m) problems.push(`\`${part}\` is not Queue=days`);
    else perQueue.set(m[1]!.trim(), Number(m[2]));
  }
  return { perQueue, problems };
}

const QUEUE_NAME = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*(\/[A-Za-z0-9_. -]+)?$/;

/** Queue names are artifact names, optionally with `/Source`. */
export function queueProblem(queue: string): string | undefined {
  if (typeof queue !== "string" || !queue.length || queue.length > 300 || !QUEUE_NAME.test(queue)) return `\`${String(queue).slice(0, 60)}\` is not a queue name (an artifact name, optionally with /Source)`;
  return undefined;
}

const CLIENT_ID = /^C\.[0-9a-f]{16}$/;

export function clientIdProblem(clientId: string): string | undefined {
  if (clientId === "server" || CLIENT_ID.test(clientId)) return undefined;
  return `\`${String(clientId).slice(0, 40)}\` is neither a client id nor \`server\``;
}
