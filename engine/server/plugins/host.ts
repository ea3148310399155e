// What a server-only VQL builtin receives as ctx.host: who runs the query and the engine's
// services. Builtins reach services only through this object, never by importing them.
import type { Engine, Principal } from "../services/types";

export interface ServerVqlHost {
  principal: Principal;
  engine: Engine;
}

/** ctx.host as ServerVqlHost, or an error a builtin turns into a logged failure. */
export function serverHost(host: unknown): ServerVqlHost {
  const h = host as Partial<ServerVqlHost> | undefined;
  if (!h?.engine || !h.principal) throw new Error("this builtin runs only on the Talon server");
  return h as ServerVqlHost;
}
