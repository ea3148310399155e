// Every process follows Server.Internal.AccessChange for its own browser sockets: a user's
// change re-checks that user's /api/ws/ui sockets and /api/ws/collab connections (sessions
// re-resolved, subscriptions and documents checked with the new principal); a notebook's
// sharing change re-checks the subscribers of `notebook:<id>` and the connections to its
// document. Events are handled one at a time, in journal order. Rows are validated: the queue
// is written by our services, but a malformed row must not stop the follower.
import { z } from "zod";
import { ACCESS_CHANGE_QUEUE, type AccessChange, type Journal, type Logger, type UiHub } from "@/engine/server/contracts";

export interface CollabRecheck {
  recheckUser(userId: string, reason: string): Promise<void>;
  recheckDocument(notebookId: string): Promise<void>;
}

const AccessChangeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("user"), userId: z.string().min(1), username: z.string(), reason: z.enum(["role", "disabled", "password", "sign-out", "api-key"]) }),
  z.object({ kind: z.literal("notebook"), notebookId: z.string().min(1), reason: z.literal("sharing") }),
]);

/** The close reason a browser sees when its socket ends because of a user change. */
export function closeReason(reason: Extract<AccessChange, { kind: "user" }>["reason"]): string {
  switch (reason) {
    case "disabled":
      return "your account was disabled";
    case "sign-out":
      return "signed out";
    case "password":
      return "your password changed; sign in again";
    case "api-key":
      return "the API key was revoked";
    case "role":
      return "session ended";
  }
}

/** Applies one change to this process's sockets. */
export async function applyAccessChange(change: AccessChange, targets: { ui: Pick<UiHub, "recheckUser" | "recheckTopic">; collab: CollabRecheck }): Promise<void> {
  if (change.kind === "user") {
    const why = closeReason(change.reason);
    await Promise.all([targets.ui.recheckUser(change.userId, why), targets.collab.recheckUser(change.userId, why)]);
  } else {
    // The notebooks service's topic for a notebook (services/notebooks/events.ts).
    await Promise.all([targets.ui.recheckTopic(`notebook:${change.notebookId}`), targets.collab.recheckDocument(change.notebookId)]);
  }
}

export function followAccessChanges(
  deps: { journal: Pick<Journal, "subscribe">; ui: Pick<UiHub, "recheckUser" | "recheckTopic">; collab: CollabRecheck; log: Logger },
  signal: AbortSignal,
): void {
  void (async () => {
    for await (const e of deps.journal.subscribe(ACCESS_CHANGE_QUEUE, { signal })) {
      const change = AccessChangeSchema.safeParse(e.payload);
      if (!change.success) {
        deps.log.warn("an access change event is malformed; skipped", { event: e.id });
        continue;
      }
      await applyAccessChange(change.data, deps).catch((err) => deps.log.error("could not apply an access change to open sockets", { event: e.id, error: (err as Error).message }));
    }
  })().catch((err) => {
    if (!signal.aborted) deps.log.error("open sockets stopped following access changes", { error: (err as Error).message });
  });
}
