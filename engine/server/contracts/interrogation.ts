// The interrogation service's contract. Server.Internal.Interrogation {ClientId, FlowId} is
// appended when a client record has been filled from Generic.Client.Info.
import type { Principal } from "./common";
import type { FlowSummary } from "./flows";

export const INTERROGATION_QUEUE = "Server.Internal.Interrogation";

/** Collects Generic.Client.Info from newly enrolled clients, rate-limited, on one process at a time. */
export interface InterrogationService {
  /** COLLECT_CLIENT. Interrogates a client again. */
  interrogate(actor: Principal, clientId: string): Promise<FlowSummary>;
  /** Clients waiting for their first interrogation (on the process holding the lease; 0 elsewhere). */
  pending(): number;
}
