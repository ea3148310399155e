// Live topics of the endpoint pages on /api/ws/ui, and who may subscribe to them:
//   clients            every client's changes (the Clients list): {type, clientId, ...}
//   client:<ClientId>  one client's changes (the client page)
//   flows:<ClientId>   a client's flows changed (created, rows, state): {type: "flow", flowId}
// Change types: online {online}, enrolled, interrogated, labels, metadata. Messages say what
// changed, not the new record: pages re-read what they show (permissions stay in one place).
// Subscribing needs READ_RESULTS, as reading the same data over HTTP does.
import { parseClientId } from "../../protocol";
import type { UiHub } from "./ui-hub";

export type ClientChange = { type: "online"; online: boolean } | { type: "enrolled" } | { type: "interrogated" } | { type: "labels" } | { type: "metadata" };

export interface EndpointTopics {
  clientChanged(clientId: string, change: ClientChange): void;
  flowChanged(clientId: string, flowId: string): void;
}

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
