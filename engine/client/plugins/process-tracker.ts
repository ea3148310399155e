// process_tracker_get(), _callchain(), _children(), _tree(), _all() and _pslist() without an installed tracker: like
// Velociraptor's "dummy" tracker they answer from the endpoint's process list (pslist()),
// taken at most every 10 s. Unlike it, a lookup that misses refreshes a view older than 1 s:
// event artifacts look up processes that started a moment ago. Views are kept for the 64
// endpoints asked most recently (pool mode has thousands).
import { arg, definePlugin, defineFunction, OrderedDict, untilAborted } from "@/engine/vql";
import { agentHost } from "./host";
import { processRow } from "@/engine/endpoint/builtins/machine";
import type { EndpointSystem } from "@/engine/endpoint/builtins/system";
import { ts } from "@/engine/endpoint/builtins/values";

const MAX_AGE_MS = 10_000;
const MISS_AGE_MS = 1_000;
const KEEP = 64;

interface View {
  at: number;
  byId: Map<string, OrderedDict>;
}

const views = new Map<EndpointSystem, View>();

async function takeView(system: EndpointSystem, now: number, signal: AbortSignal): Promise<View> {
  const byId = new Map<string, OrderedDict>();
  for await (const p of system.processes(signal)) {
    signal.throwIfAborted();
    const data = new OrderedDict(Object.entries(processRow(p)));
    byId.set(String(p.Pid), new OrderedDict([["Id", String(p.Pid)], ["ParentId", String(p.Ppid)], ["StartTime", ts(p.CreateTime)], ["EndTime", null], ["Data", data]]));
  }
  const view = { at: now, byId };
  views.delete(system);
  views.set(system, view);
  if (views.size > KEEP) views.delete(views.keys().next().value!);
  return view;
}

/** The process entry for `id`, refreshing the view when it is stale. */
async function lookup(system: EndpointSystem, id: string, now: number, signal: AbortSignal): Promise<{ view: View; entry?: OrderedDict }> {
  let view = views.get(system);
  if (!view || now - view.at > MAX_AGE_MS) view = await takeView(system, now, signal);
  let entry = view.byId.get(id);
  if (!entry && now - view.at > MISS_AGE_MS) {
    view = await takeView(system, now, signal);
    entry = view.byId.get(id);
  }
  return { view, entry };
}

export const processTrackerGetFunction = defineFunction({
  name: "process_tracker_get",
  category: "client",
  doc: "One process from the process tracker: {Id, ParentId, StartTime, EndTime, Data} where Data is its pslist() row; NULL when it is not running. Without an installed tracker the answer comes from pslist().",
  args: {
    id: arg.string().required().doc("The process id."),
    max_items: arg.int().doc("Accepted for compatibility (not used)."),
  },
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  impure: true,
  async run({ id }, ctx) {
    const { entry } = await untilAborted(lookup(agentHost(ctx.host).system, id, ctx.now(), ctx.signal), ctx.signal);
    return entry ?? null;
  },
});

export const processTrackerCallchainFunction = defineFunction({
  name: "process_tracker_callchain",
  category: "client",
  doc: "The process and its ancestors from the process tracker, the oldest first (process entries as process_tracker_get() gives them).",
  args: {
    id: arg.string().required().doc("The process id."),
    max_items: arg.int().default(10).doc("At most this many entries."),
  },
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  impure: true,
  async run({ id, max_items }, ctx) {
    const { view, entry } = await untilAborted(lookup(agentHost(ctx.host).system, id, ctx.now(), ctx.signal), ctx.signal);
    const chain: OrderedDict[] = [];
    const seen = new Set<string>();
    for (let e = entry; e && chain.length < max_items; ) {
      const pid = String(e.get("Id"));
      if (seen.has(pid)) break;
      seen.add(pid);
      chain.push(e);
      e = view.byId.get(String(e.get("ParentId")));
    }
    return chain.reverse();
  },
});

/** The current view (refreshed when stale), for the builtins that read every entry. */
async function currentView(system: EndpointSystem, now: number, signal: AbortSignal): Promise<View> {
  const view = views.get(system);
  return view && now - view.at <= MAX_AGE_MS ? view : takeView(system, now, signal);
}

export const processTrackerAllFunction = defineFunction({
  name: "process_tracker_all",
  category: "client",
  doc: "Every process entry the process tracker knows (as process_tracker_get() gives them).",
  args: {},
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  impure: true,
  async run(_args, ctx) {
    const view = await untilAborted(currentView(agentHost(ctx.host).system, ctx.now(), ctx.signal), ctx.signal);
    return [...view.byId.values()];
  },
});

export const processTrackerPslistPlugin = definePlugin({
  name: "process_tracker_pslist",
  category: "client",
  doc: "The processes the process tracker knows, as pslist() rows (each entry's Data).",
  args: {},
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  async *run(_args, ctx) {
    const view = await untilAborted(currentView(agentHost(ctx.host).system, ctx.now(), ctx.signal), ctx.signal);
    for (const e of view.byId.values()) {
      ctx.signal.throwIfAborted();
      yield e.get("Data");
    }
  },
});

export const processTrackerChildrenFunction = defineFunction({
  name: "process_tracker_children",
  category: "client",
  doc: "The direct children of a process from the process tracker (process entries).",
  args: {
    id: arg.string().required().doc("The process id."),
    max_items: arg.int().default(1000).doc("At most this many entries."),
  },
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  impure: true,
  async run({ id, max_items }, ctx) {
    const view = await untilAborted(currentView(agentHost(ctx.host).system, ctx.now(), ctx.signal), ctx.signal);
    return [...view.byId.values()].filter((e) => String(e.get("ParentId")) === id && String(e.get("Id")) !== id).slice(0, max_items);
  },
});

export const processTrackerTreeFunction = defineFunction({
  name: "process_tracker_tree",
  category: "client",
  doc: "A process and its descendants as a tree: {id, name, data, children: [...]}; `data_callback` (a lambda over the entry's Data) chooses what `data` holds.",
  args: {
    id: arg.string().required().doc("The process id at the root."),
    data_callback: arg.string().doc("A lambda (`x => x.Name`) applied to each entry's Data for `data` (default: the Data itself)."),
    max_items: arg.int().default(1000).doc("At most this many processes in the tree."),
  },
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  impure: true,
  async run({ id, data_callback, max_items }, ctx) {
    const { view, entry } = await untilAborted(lookup(agentHost(ctx.host).system, id, ctx.now(), ctx.signal), ctx.signal);
    if (!entry) return null;
    const children = new Map<string, OrderedDict[]>();
    for (const e of view.byId.values()) {
      const parent = String(e.get("ParentId"));
      if (parent === String(e.get("Id"))) continue;
      children.set(parent, [...(children.get(parent) ?? []), e]);
    }
    let count = 0;
    const seen = new Set<string>();
    const node = async (e: OrderedDict): Promise<OrderedDict> => {
      const pid = String(e.get("Id"));
      seen.add(pid);
      count++;
      const data = e.get("Data") as OrderedDict;
      const kids: OrderedDict[] = [];
      for (const c of children.get(pid) ?? []) {
        if (count >= max_items || seen.has(String(c.get("Id")))) break;
        kids.push(await node(c));
      }
      return new OrderedDict([
        ["id", pid],
        ["name", data.get("Name")],
        ["data", data_callback ? await ctx.evalLambda(data_callback, [data]) : data],
        ["children", kids],
      ]);
    };
    return node(entry);
  },
});
