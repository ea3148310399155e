// Live topics of the endpoint pages on /api/ws/ui, and who may subscribe to them:
//   clients            every client's changes (the Clients list): {type, clientId, ...}
//   client:<ClientId>  one client's changes (the client page)
//   flows:<ClientId>   a client's flows changed (created, rows, state): {type: "flow", flowId}
// Change types: online {online}, enrolled, interrogated, labels, metadata. Messages say what
// changed, not the new record: pages re-read what they show (permissions stay in one place).
// Subscribing needs READ_RESULTS, as reading the same data over HTTP does.
// Client changes that are journal events (enrolment, labels, metadata, interrogation) are
// followed from the journal by every process, each telling its own browsers; connection
// changes and flow progress are published where they happen and relayed to the others.
import { parseClientId } from "@/engine/protocol";
import { ENROLLMENT_QUEUE, INTERROGATION_QUEUE, LABEL_QUEUE, METADATA_QUEUE, SERVER_METADATA_CLIENT_ID, type ClientChange, type Journal, type LiveTopics, type Logger, type UiHub } from "@/engine/server/contracts";

export type { ClientChange };
export type EndpointTopics = LiveTopics;

export function endpointTopics(ui: Pick<UiHub, "publish" | "authorize">): EndpointTopics {
  // Only canonical ids: the services publish with those.
  const perClient = (topic: string) => {
    const id = topic.slice(topic.indexOf(":") + 1);
    return parseClientId(id) === id;
  };
  ui.authorize("clients", (p, topic) => topic === "clients" && p.permissions.has("READ_RESULTS"));
  ui.authorize("client", (p, topic) => perClient(topic) && p.permissions.has("READ_RESULTS"));
  ui.authorize("flows", (p, topic) => perClient(topic) && p.permissions.has("READ_RESULTS"));
  return {
    clientChanged(clientId, change) {
      const message = { ...change, clientId };
      ui.publish("clients", message);
      ui.publish(`client:${clientId}`, message);
    },
    flowChanged(clientId, flowId) {
      ui.publish(`flows:${clientId}`, { type: "flow", clientId, flowId });
    },
  };
}

const FOLLOWED: Array<[string, ClientChange["type"], string]> = [
  [ENROLLMENT_QUEUE, "enrolled", "ClientId"],
  [LABEL_QUEUE, "labels", "client_id"],
  [METADATA_QUEUE, "metadata", "client_id"],
  [INTERROGATION_QUEUE, "interrogated", "ClientId"],
];

/** This process's browsers follow the client changes recorded in the journal, until `signal` aborts. */
export function followClientEvents(deps: { journal: Journal; ui: Pick<UiHub, "publishLocal">; log: Logger }, signal: AbortSignal): void {
  for (const [queue, type, field] of FOLLOWED) {
    void (async () => {
      for await (const e of deps.journal.subscribe(queue, { signal })) {
        const clientId = String(e.payload[field] ?? e.clientId);
        // The server's own metadata changes on the same queue; it is not a client page.
        if (clientId === SERVER_METADATA_CLIENT_ID) continue;
        const message = { type, clientId };
        deps.ui.publishLocal("clients", message);
        deps.ui.publishLocal(`client:${clientId}`, message);
      }
    })().catch((err) => {
      if (!signal.aborted) deps.log.error("live client topics stopped following the journal", { queue, error: (err as Error).message });
    });
  }
}
