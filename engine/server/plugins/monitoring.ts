// Server VQL for the event tables, with Velociraptor's names, arguments and shapes:
// get/set/add/rm_server_monitoring() over an ArtifactCollectorArgs dict ({artifacts: [names],
// specs: [{artifact, parameters: {env: [{key, value}]}}]}) and get/set/add/rm_client_monitoring()
// over a ClientEventTable dict ({version, artifacts: ArtifactCollectorArgs, label_events:
// [{label, artifacts: ArtifactCollectorArgs}]}). Permissions are checked by the monitoring
// service (COLLECT_SERVER / COLLECT_CLIENT to change, READ_RESULTS to read) and changes audited.
import { arg, defineFunction, OrderedDict, toJsonValue, type Builtin } from "../../vql";
import type { ClientEventTable, EventTableChange, EventTableEntry, EventTableView, ServerEventTable } from "@/engine/server/contracts";
import { guarded } from "./clients";
import { serverHost } from "./host";

function collectorArgs(entries: EventTableEntry[]): OrderedDict {
  return new OrderedDict([
    ["artifacts", entries.map((e) => e.artifact)],
    [
      "specs",
      entries.map(
        (e) =>
          new OrderedDict([
            ["artifact", e.artifact],
            ["parameters", new OrderedDict([["env", Object.entries(e.parameters).map(([key, value]) => new OrderedDict([["key", key], ["value", value]]))]])],
          ]),
      ),
    ],
  ]);
}

function serverView(v: EventTableView<ServerEventTable>): OrderedDict {
  return collectorArgs(v.table.artifacts);
}

function clientView(v: EventTableView<ClientEventTable>): OrderedDict {
  return new OrderedDict([
    ["version", v.version],
    ["artifacts", collectorArgs(v.table.artifacts)],
    ["label_events", v.table.labelEvents.map((g) => new OrderedDict([["label", g.label], ["artifacts", collectorArgs(g.artifacts)]]))],
  ]);
}

type Json = Record<string, unknown>;

/** Parameters given as a dict ({k: v}) or as Velociraptor's {env: [{key, value}]}. */
function parametersOf(v: unknown): Record<string, unknown> {
  const p = (v && typeof v === "object" ? v : {}) as Json;
  if (Array.isArray(p.env)) {
    const out: Record<string, unknown> = {};
    for (const kv of p.env as Json[]) if (kv && typeof kv.key === "string") out[kv.key] = kv.value;
    return out;
  }
  return p;
}

/** An ArtifactCollectorArgs dict as table changes (specs give parameters; names alone get defaults). */
function changesOf(v: unknown): EventTableChange[] {
  const a = (v && typeof v === "object" ? v : {}) as Json;
  const specs = new Map<string, Record<string, unknown>>();
  for (const s of Array.isArray(a.specs) ? (a.specs as Json[]) : []) if (s && typeof s.artifact === "string") specs.set(s.artifact, parametersOf(s.parameters));
  const names = [...(Array.isArray(a.artifacts) ? (a.artifacts as unknown[]).map(String) : []), ...specs.keys()];
  return [...new Set(names)].map((artifact) => ({ artifact, parameters: specs.get(artifact) ?? {} }));
}

const parametersArg = () => arg.dict().doc("Parameter values: {Name: value}.");
const plainParams = (d: OrderedDict | undefined) => (d ? parametersOf(toJsonValue(d)) : {});

export const getServerMonitoringFunction = defineFunction({
  name: "get_server_monitoring",
  category: "server",
  doc: "The server event table as an ArtifactCollectorArgs dict: {artifacts, specs: [{artifact, parameters: {env: [{key, value}]}}]}.",
  args: {},
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async run(_a, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const v = await guarded(ctx, () => services.monitoring.serverTable(principal), null);
    return v ? serverView(v) : null;
  },
});

export const setServerMonitoringFunction = defineFunction({
  name: "set_server_monitoring",
  category: "server",
  doc: "Replaces the server event table (an ArtifactCollectorArgs dict, as get_server_monitoring() returns); returns the new table. COLLECT_SERVER; audited.",
  args: { value: arg.dict().required().doc("The new table.") },
  permissions: ["COLLECT_SERVER"],
  platforms: ["server"],
  sideEffects: true,
  impure: true,
  async run({ value }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const v = await guarded(ctx, () => services.monitoring.setServerTable(principal, changesOf(toJsonValue(value))), null);
    return v ? serverView(v) : null;
  },
});

export const addServerMonitoringFunction = defineFunction({
  name: "add_server_monitoring",
  category: "server",
  doc: "Adds a SERVER_EVENT artifact to the server event table (or replaces its parameters); it runs as you, with your permissions. Returns the new table. COLLECT_SERVER; audited.",
  args: { artifact: arg.string().required().doc("A SERVER_EVENT artifact."), parameters: parametersArg() },
  permissions: ["COLLECT_SERVER"],
  platforms: ["server"],
  sideEffects: true,
  impure: true,
  async run({ artifact, parameters }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const v = await guarded(ctx, () => services.monitoring.addServerArtifact(principal, { artifact, parameters: plainParams(parameters) }), null);
    return v ? serverView(v) : null;
  },
});

export const rmServerMonitoringFunction = defineFunction({
  name: "rm_server_monitoring",
  category: "server",
  doc: "Removes an artifact from the server event table; returns the new table. COLLECT_SERVER; audited.",
  args: { artifact: arg.string().required().doc("The artifact to remove.") },
  permissions: ["COLLECT_SERVER"],
  platforms: ["server"],
  sideEffects: true,
  impure: true,
  async run({ artifact }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const v = await guarded(ctx, () => services.monitoring.removeServerArtifact(principal, artifact), null);
    return v ? serverView(v) : null;
  },
});

export const getClientMonitoringFunction = defineFunction({
  name: "get_client_monitoring",
  category: "server",
  doc: "The client event table as a dict: {version, artifacts: ArtifactCollectorArgs, label_events: [{label, artifacts}]}.",
  args: {},
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async run(_a, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const v = await guarded(ctx, () => services.monitoring.clientTable(principal), null);
    return v ? clientView(v) : null;
  },
});

export const setClientMonitoringFunction = defineFunction({
  name: "set_client_monitoring",
  category: "server",
  doc: "Replaces the client event table (a dict as get_client_monitoring() returns); connected agents get it at once. Returns the new table. COLLECT_CLIENT; audited.",
  args: { value: arg.dict().required().doc("The new table.") },
  permissions: ["COLLECT_CLIENT"],
  platforms: ["server"],
  sideEffects: true,
  impure: true,
  async run({ value }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const t = toJsonValue(value) as Json;
    const labelEvents = (Array.isArray(t.label_events) ? (t.label_events as Json[]) : []).map((g) => ({ label: String(g?.label ?? ""), artifacts: changesOf(g?.artifacts) }));
    const v = await guarded(ctx, () => services.monitoring.setClientTable(principal, { artifacts: changesOf(t.artifacts), labelEvents }), null);
    return v ? clientView(v) : null;
  },
});

export const addClientMonitoringFunction = defineFunction({
  name: "add_client_monitoring",
  category: "server",
  doc: "Adds a CLIENT_EVENT artifact to the client event table, for every client or for clients with `label`; returns the new table. COLLECT_CLIENT; audited.",
  args: { artifact: arg.string().required().doc("A CLIENT_EVENT artifact."), parameters: parametersArg(), label: arg.string().doc("Only clients with this label.") },
  permissions: ["COLLECT_CLIENT"],
  platforms: ["server"],
  sideEffects: true,
  impure: true,
  async run({ artifact, parameters, label }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const v = await guarded(ctx, () => services.monitoring.addClientArtifact(principal, { artifact, parameters: plainParams(parameters), label }), null);
    return v ? clientView(v) : null;
  },
});

export const rmClientMonitoringFunction = defineFunction({
  name: "rm_client_monitoring",
  category: "server",
  doc: "Removes an artifact from the client event table (for every client, or from the label group `label`); returns the new table. COLLECT_CLIENT; audited.",
  args: { artifact: arg.string().required().doc("The artifact to remove."), label: arg.string().doc("The label group.") },
  permissions: ["COLLECT_CLIENT"],
  platforms: ["server"],
  sideEffects: true,
  impure: true,
  async run({ artifact, label }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const v = await guarded(ctx, () => services.monitoring.removeClientArtifact(principal, { artifact, label }), null);
    return v ? clientView(v) : null;
  },
});

export const monitoringBuiltins: readonly Builtin[] = [
  getServerMonitoringFunction,
  setServerMonitoringFunction,
  addServerMonitoringFunction,
  rmServerMonitoringFunction,
  getClientMonitoringFunction,
  setClientMonitoringFunction,
  addClientMonitoringFunction,
  rmClientMonitoringFunction,
];
