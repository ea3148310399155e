// process_tracker_get(), _callchain(), _children(), _tree(), _all() and _pslist(): from the tracker
// process_tracker() installed (process-tracker-install.ts) when there is one; otherwise, like
// Velociraptor's "dummy" tracker, from the endpoint's process list (pslist()),
// taken at most every 10 s. Unlike it, a lookup that misses refreshes a view older than 1 s:
// event artifacts look up processes that started a moment ago. Views are kept for the 64
// endpoints asked most recently (pool mode has thousands).
import { arg, definePlugin, defineFunction, OrderedDict, untilAborted } from "@/engine/vql";
import { agentHost } from "./host";
import { processRow } from "@/engine/endpoint/builtins/machine";
import type { EndpointSystem } from "@/engine/endpoint/builtins/system";
import { ts } from "@/engine/endpoint/builtins/values";
import type { BuiltinContext } from "@/engine/vql/builtins/types";
import { installedTracker, processTrackerUpdatesPlugin } from "./process-tracker-install";

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

/** The current view (refreshed when stale), for the builtins that read every entry. */
async function currentView(system: EndpointSystem, now: number, signal: AbortSignal): Promise<View> {
  const view = views.get(system);
  return view && now - view.at <= MAX_AGE_MS ? view : takeView(system, now, signal);
}

/** What the lookups read: an installed tracker's entries, or the pslist() view's. */
interface Known {
  get(id: string): OrderedDict | undefined;
  all(): OrderedDict[];
}

const viewKnown = (view: View): Known => ({ get: (id) => view.byId.get(id), all: () => [...view.byId.values()] });

/** The entries to answer from; `id` is the process looked up (a miss refreshes a stale pslist() view). */
async function known(ctx: BuiltinContext, id?: string): Promise<Known> {
  const system = agentHost(ctx.host).system;
  const t = installedTracker(system);
  if (t) {
    const now = ctx.now();
    return { get: (pid) => t.state.get(pid, now), all: () => t.state.all(now) };
  }
  const view = id === undefined ? await untilAborted(currentView(system, ctx.now(), ctx.signal), ctx.signal) : (await untilAborted(lookup(system, id, ctx.now(), ctx.signal), ctx.signal)).view;
  return viewKnown(view);
}

export const processTrackerGetFunction = defineFunction({
  name: "process_tracker_get",
  category: "client",
  doc: "One process from the process tracker: {Id, ParentId, StartTime, EndTime, Data} where Data is its pslist() row (with a tracker installed by process_tracker(): its sync/update row's data, with Pid, Ppid, StartTime and EndTime, and the tracker's enrichments); NULL when it is not known. Without an installed tracker the answer comes from pslist().",
  args: {
    id: arg.string().required().doc("The process id."),
    max_items: arg.int().doc("Accepted for compatibility (not used)."),
  },
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  impure: true,
  async run({ id }, ctx) {
    const entry = (await known(ctx, id)).get(id);
    if (!entry) return null;
    const t = installedTracker(agentHost(ctx.host).system);
    // An installed tracker's enrichments: each lambda's dict is merged into the entry's Data.
    for (const lambda of t?.enrichments ?? []) {
      const extra = await ctx.evalLambda(lambda, [entry]);
      const data = entry.get("Data");
      if (extra instanceof OrderedDict && data instanceof OrderedDict) for (const k of extra.keys()) data.set(k, extra.get(k));
    }
    return entry;
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
    const k = await known(ctx, id);
    const entry = k.get(id);
    const chain: OrderedDict[] = [];
    const seen = new Set<string>();
    for (let e = entry; e && chain.length < max_items; ) {
      const pid = String(e.get("Id"));
      if (seen.has(pid)) break;
      seen.add(pid);
      chain.push(e);
      e = k.get(String(e.get("ParentId")));
    }
    return chain.reverse();
  },
});

export const processTrackerAllFunction = defineFunction({
  name: "process_tracker_all",
  category: "client",
  doc: "Every process entry the process tracker knows (as process_tracker_get() gives them).",
  args: {},
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  impure: true,
  async run(_args, ctx) {
    return (await known(ctx)).all();
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
    for (const e of (await known(ctx)).all()) {
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
    return (await known(ctx)).all().filter((e) => String(e.get("ParentId")) === id && String(e.get("Id")) !== id).slice(0, max_items);
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
    const k = await known(ctx, id);
    const entry = k.get(id);
    if (!entry) return null;
    const children = new Map<string, OrderedDict[]>();
    for (const e of k.all()) {
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

/** The pslist() view as process_tracker_updates()' one "sync" row when no tracker is installed. */
async function dummySync(system: EndpointSystem, now: number, signal: AbortSignal): Promise<OrderedDict> {
  const view = await currentView(system, now, signal);
  return new OrderedDict([["id", ""], ["parent_id", ""], ["update_type", "sync"], ["start_time", null], ["end_time", null], ["data", new OrderedDict([...view.byId].map(([pid, e]) => [pid, e]))]]);
}

export const processTrackerUpdates = processTrackerUpdatesPlugin(dummySync);
