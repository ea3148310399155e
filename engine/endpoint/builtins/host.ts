// What a builtin over an endpoint receives as ctx.host: the endpoint it reads and, inside an
// agent's collection, the collecting user's permissions. The agent's host adds the flow's
// responder (engine/client/plugins/host.ts); the server's adds its services.
import type { EndpointSystem } from "./system";
import type { ProcessDiagnostics } from "@/engine/endpoint/diagnostics/diagnostics";

export interface EndpointVqlHost {
  system: EndpointSystem;
  /** The process's logs, queries and metrics (profile(), logging(), trace()), and on an agent rekey(). */
  diagnostics?: ProcessDiagnostics;
  flow?: {
    /** Permissions of the user who started the collection. */
    permissions: ReadonlySet<string>;
  };
}

export function agentHost(host: unknown): EndpointVqlHost {
  const h = host as Partial<EndpointVqlHost> | undefined;
  if (!h?.system) throw new Error("this builtin runs only where an endpoint is attached (an agent, or the server's own host)");
  return h as EndpointVqlHost;
}
