// What an agent builtin receives as ctx.host: the endpoint it runs on and, inside a collection,
// the flow (for upload() and the collecting user's permissions).
import type { FlowResponder } from "../responder/responder";
import type { EndpointSystem } from "./system";

export interface AgentVqlHost {
  system: EndpointSystem;
  flow?: {
    flowId: string;
    artifact: string;
    /** The flow's responder; in a query worker, an RPC to the main thread's (uploads only). */
    responder: Pick<FlowResponder, "upload">;
    /** Permissions of the user who started the collection. */
    permissions: ReadonlySet<string>;
  };
}

export function agentHost(host: unknown): AgentVqlHost {
  const h = host as Partial<AgentVqlHost> | undefined;
  if (!h?.system) throw new Error("this builtin runs only on an endpoint agent");
  return h as AgentVqlHost;
}
