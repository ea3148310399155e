// Who may hold a live notebook document on /api/ws/collab, decided when a browser opens it and
// again whenever access changes: a user's change (role, disable, sign-out, password) re-resolves
// the session of each of that user's collab sockets (closed with 4401 when it is gone) and
// re-checks each document they hold; a notebook's sharing change re-checks every connection to
// its document. A connection that may no longer read is closed (the browser is told); one
// that may read but no longer edit becomes read-only. Owns no document state.
import type { IncomingMessage } from "node:http";
import type { Connection, Document } from "@hocuspocus/server";
import type { WebSocket } from "ws";
import { queries } from "@/drizzle";
import { SESSION_ENDED_CLOSE_CODE, type Principal } from "@/engine/server/contracts";
import { canEdit, canRead } from "./access";
import type { NotebooksDeps } from "./deps";
import { isNotebookId } from "./ids";

/** One browser socket on /api/ws/collab (it may carry several documents). */
export interface CollabSocket {
  ws: WebSocket;
  req: Pick<IncomingMessage, "headers">;
  principal: Principal | undefined;
}

/** The Hocuspocus context of a connection: its socket (shared, so a new principal reaches every document on it). */
export interface CollabContext {
  socket?: CollabSocket;
  /** The re-check count when its authentication began. */
  authEpoch?: number;
}

/** A Hocuspocus connection to one document, with its context. */
export type CollabConnection = Connection & { context: CollabContext };

/** Close code of a document connection whose notebook is no longer shared with its user (like HTTP 403). */
export const NO_ACCESS_CLOSE_CODE = 4403;

export function collabAccess(deps: Pick<NotebooksDeps, "database" | "log" | "reauthenticate">, documents: () => Iterable<Document>) {
  const db = deps.database.db;
  const sockets = new Set<CollabSocket>();
  // Bumped by every re-check: an authentication that began before one is checked again once connected.
  let epoch = 0;
  const notebook = (id: string) => (isNotebookId(id) ? queries.getNotebookById(db, id).catch(() => undefined) : Promise.resolve(undefined));

  /** The socket's principal from its session now, or undefined (and the socket closed) when it is gone. */
  async function refresh(s: CollabSocket, fresh: boolean, reason: string): Promise<Principal | undefined> {
    if (!deps.reauthenticate) return s.principal;
    const p = await deps.reauthenticate(s.req, { fresh }).catch((err) => {
      deps.log.warn("could not re-check a collab socket's session; closing it", { error: (err as Error).message });
      return null;
    });
    if (!p) {
      s.ws.close(p === null ? 1011 : SESSION_ENDED_CLOSE_CODE, p === null ? "could not re-check access" : reason.slice(0, 120));
      return undefined;
    }
    if (p.userId !== s.principal?.userId || p.role !== s.principal.role) s.principal = p;
    return s.principal;
  }

  async function recheckConnection(c: CollabConnection) {
    const s = c.context?.socket;
    if (!s) return;
    let principal: Principal | undefined;
    let nb: Awaited<ReturnType<typeof notebook>>;
    for (;;) {
      const seen = epoch;
      principal = s.principal;
      nb = await notebook(c.document.name);
      if (seen === epoch && principal === s.principal) break;
    }
    if (!principal || !nb || !canRead(principal, nb)) {
      c.close({ code: NO_ACCESS_CLOSE_CODE, reason: "no access to this notebook any more" } as CloseEvent);
      return;
    }
    c.readOnly = !canEdit(principal, nb);
  }

  const connectionsOf = (match: (c: CollabConnection) => boolean) => {
    const out: CollabConnection[] = [];
    for (const d of documents()) for (const c of d.getConnections() as CollabConnection[]) if (match(c)) out.push(c);
    return out;
  };

  return {
    add: (s: CollabSocket) => void sockets.add(s),
    remove: (s: CollabSocket) => void sockets.delete(s),

    /** Hocuspocus onAuthenticate: may this socket open the document, and may it edit? */
    async authenticate(context: CollabContext, documentName: string, config: { readOnly: boolean }): Promise<CollabContext> {
      const s = context.socket;
      const seen = epoch;
      // Re-resolved (cached for a second): a signed-out session opens nothing, even before its access change arrives.
      const principal = s && (await refresh(s, false, "session ended"));
      if (!principal || !isNotebookId(documentName)) throw new Error("no access");
      const nb = await notebook(documentName);
      if (!nb || !canRead(principal, nb)) throw new Error("no access");
      config.readOnly = !canEdit(principal, nb);
      return { authEpoch: seen };
    },

    /** Hocuspocus connected: a connection whose authentication overlapped a re-check is checked again. */
    async connected(c: CollabConnection) {
      if (c.context?.authEpoch !== epoch) await recheckConnection(c);
    },

    async recheckUser(userId: string, reason: string) {
      epoch++;
      const mine = [...sockets].filter((s) => s.principal?.userId === userId);
      await Promise.all(
        mine.map(async (s) => {
          if (!(await refresh(s, true, reason))) return;
          await Promise.all(connectionsOf((c) => c.context?.socket === s).map(recheckConnection));
        }),
      );
    },

    async recheckDocument(notebookId: string) {
      epoch++;
      await Promise.all(connectionsOf((c) => c.document.name === notebookId).map(recheckConnection));
    },
  };
}
