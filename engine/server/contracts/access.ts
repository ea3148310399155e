// Access changes and the sockets they reach. Every change that can take access away from an
// open browser socket is an event on the journal queue Server.Internal.AccessChange, appended
// in the same transaction as the change; every process follows the queue and re-checks its
// own sockets (ws/access-changes.ts): the /api/ws/ui subscriptions and the /api/ws/collab
// connections. See docs/foundation.md, "Revocation reaches open sockets".
import type { IncomingMessage } from "node:http";
import type { Principal } from "./common";

export const ACCESS_CHANGE_QUEUE = "Server.Internal.AccessChange";

/** Why a user's access changed. */
export type UserAccessReason = "role" | "disabled" | "password" | "sign-out" | "api-key";

/**
 * One access change. A user change re-resolves the session (or API key) of each of that user's
 * sockets and re-checks what they hold with the new principal; a notebook change (its
 * collaborators or public flag) re-checks who holds that notebook's topic and document.
 */
export type AccessChange =
  | { kind: "user"; userId: string; username: string; reason: UserAccessReason }
  | { kind: "notebook"; notebookId: string; reason: "sharing" };

/** Close code of a browser socket whose session ended or whose user was disabled (like HTTP 401). */
export const SESSION_ENDED_CLOSE_CODE = 4401;

/**
 * The principal of an open socket's upgrade request now, from its session cookie or API key;
 * undefined when that session is gone or its user disabled. `fresh` bypasses the short session
 * cache (re-checks after an access change must see the change).
 */
export type Reauthenticate = (req: Pick<IncomingMessage, "headers">, opts?: { fresh?: boolean }) => Promise<Principal | undefined>;
