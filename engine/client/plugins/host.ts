// What an agent builtin receives as ctx.host: the endpoint it runs on and, inside a collection,
// the flow (for upload() and the collecting user's permissions). The builtins shared with the
// server (engine/endpoint/builtins) see the EndpointVqlHost part of it.
import type { FlowResponder } from "../responder/responder";
import { agentHost as endpointHost, type EndpointVqlHost } from "@/engine/endpoint/builtins/host";
import type { EndpointSystem } from "@/engine/endpoint/builtins/system";
import type { ProcessDiagnostics } from "@/engine/endpoint/diagnostics/diagnostics";

export interface AgentVqlHost extends EndpointVqlHost {
  system: EndpointSystem;
  diagnostics?: ProcessDiagnostics;
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
  return endpointHost(host) as AgentVqlHost;
}
