// Client records in Velociraptor's API shape (ApiClient: snake_case, times in µs), as clients()
// and client_info() return them.
import { OrderedDict } from "../../vql";
import type { ClientSummary } from "@/engine/server/contracts";

export function clientToVql(c: ClientSummary): OrderedDict {
  return new OrderedDict([
    ["client_id", c.clientId],
    ["agent_information", new OrderedDict([["version", c.agentVersion], ["name", c.agentName]])],
    [
      "os_info",
      new OrderedDict([
        ["system", c.os],
        ["hostname", c.hostname],
        ["release", [c.platform, c.release].filter(Boolean).join(" ")],
        ["machine", c.architecture],
        ["fqdn", c.fqdn],
        ["mac_addresses", c.macAddresses],
        ["ip_addresses", c.ipAddresses],
      ]),
    ],
    ["first_seen_at", c.firstSeenAt.getTime() * 1000],
    ["last_seen_at", c.lastSeenAt.getTime() * 1000],
    ["last_ip", c.lastIp],
    ["labels", c.labels],
    ["last_interrogate_flow_id", c.lastInterrogateFlowId],
    ["last_interrogate_artifact_name", c.lastInterrogateFlowId ? "Generic.Client.Info" : ""],
    ["online", c.online],
    ["metadata", OrderedDict.fromObject(c.metadata)],
  ]);
}
