// Server VQL builtins for clients: clients(), client_info(), client_metadata(),
// client_set_metadata(), label(), killkillkill(). They reach the clients service through ctx.host; a refusal or
// a bad argument is a logged ERROR and NULL / no rows, never a crash.
import { arg, definePlugin, defineFunction, dictGet, dictKeys, isDictLike, OrderedDict, type Builtin, type BuiltinContext } from "../../vql";
import { clientToVql } from "../mappers/clients";
import { untilAborted } from "../../vql";
import { serverHost } from "./host";

/**
 * Runs a service call; a service error becomes a logged ERROR and `fallback`. An abort ends the
 * wait at once (the query stops; the call itself completes in the background).
 */
export async function guarded<T, F>(ctx: BuiltinContext, fn: () => Promise<T>, fallback: F): Promise<T | F> {
  try {
    return await untilAborted(fn(), ctx.signal);
  } catch (err) {
    ctx.signal.throwIfAborted();
    ctx.log("ERROR", `${ctx.name}: ${(err as Error).message}`);
    return fallback;
  }
}

const PAGE = 1000;

export const clientsPlugin = definePlugin({
  name: "clients",
  category: "server",
  doc: "Clients matching a search (Velociraptor's syntax: host:, label:, label:none, client:, ip:, mac:, os:, recent:, all, metadata keys, `*` globs, /regex/), or one client by id.",
  args: {
    search: arg.string().doc("The search; all clients when empty."),
    client_id: arg.string().doc("Just this client."),
    start: arg.int().default(0).min(0).doc("Skip this many matches."),
    limit: arg.int().min(0).doc("At most this many clients (default: all); `limit` is a VQL keyword, so write it in backticks or use count."),
    count: arg.int().min(0).doc("At most this many clients (Velociraptor's name)."),
  },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async *run({ search, client_id, start, limit, count }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    if (client_id) {
      const c = await guarded(ctx, () => services.clients.get(principal, client_id), undefined);
      if (c) yield clientToVql(c);
      return;
    }
    let left = limit ?? count ?? Number.MAX_SAFE_INTEGER;
    let offset = start;
    while (left > 0) {
      ctx.signal.throwIfAborted();
      const page = await guarded(ctx, () => services.clients.search(principal, { query: search ?? "", offset, limit: Math.min(PAGE, left) }), undefined);
      if (!page) return;
      for (const c of page.items) yield clientToVql(c);
      if (page.items.length < Math.min(PAGE, left)) return;
      offset += page.items.length;
      left -= page.items.length;
    }
  },
});

export const clientInfoFunction = defineFunction({
  name: "client_info",
  category: "server",
  doc: "One client's record (the same shape as a clients() row), or NULL.",
  args: { client_id: arg.string().required().doc("The client id (C.xxx).") },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async run({ client_id }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const c = await guarded(ctx, () => services.clients.get(principal, client_id), null);
    return c ? clientToVql(c) : null;
  },
});

export const clientMetadataFunction = defineFunction({
  name: "client_metadata",
  category: "server",
  doc: "A client's metadata: a dict of key/value strings.",
  args: { client_id: arg.string().required().doc("The client id.") },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async run({ client_id }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const m = await guarded(ctx, () => services.clients.metadata(principal, client_id), null);
    return m ? OrderedDict.fromObject(m) : null;
  },
});

export const clientSetMetadataFunction = defineFunction({
  name: "client_set_metadata",
  category: "server",
  doc: "Sets metadata keys of a client from `metadata`, or else from the call's other arguments (`client_set_metadata(client_id=C, Owner='ir')`); a NULL or empty value removes the key, as do the keys in `remove` (Talon's). `modify` is a lambda given the current metadata that returns the new one. Returns TRUE, NULL when refused.",
  args: {
    client_id: arg.string().required().doc("The client id."),
    metadata: arg.dict().doc("Keys and values to set; when absent, the call's other arguments are the keys."),
    modify: arg.string().doc("A lambda called with the current metadata dict; the dict it returns replaces the metadata."),
    remove: arg.list(arg.string()).doc("Keys to remove (Talon's)."),
  },
  rest: arg.any().doc("A metadata key and its value, used when `metadata` is not given (NULL or empty removes the key)."),
  permissions: ["COLLECT_CLIENT"],
  platforms: ["server"],
  sideEffects: true,
  async run({ client_id, metadata, modify, remove }, ctx, rest) {
    const { principal, services } = serverHost(ctx.host);
    const set: Record<string, string> = {};
    const drop = [...(remove ?? [])];
    const put = (k: string, v: unknown) => {
      if (v === null || v === undefined || v === "") drop.push(k);
      else set[k] = typeof v === "string" ? v : JSON.stringify(v);
    };
    // Velociraptor vql/server/clients/metadata.go: `modify` wins over metadata/kwargs; without
    // `metadata` the free-form keyword arguments are the metadata. It returns TRUE.
    if (modify) {
      const current = await guarded(ctx, () => services.clients.metadata(principal, client_id), null);
      if (!current) return null;
      const next = await ctx.evalLambda(modify, [OrderedDict.fromObject(current)]);
      if (!isDictLike(next)) {
        ctx.log("ERROR", "client_set_metadata: modify must return a dict");
        return true;
      }
      for (const k of Object.keys(current)) if (!dictKeys(next).includes(k)) drop.push(k);
      for (const k of dictKeys(next)) put(k, dictGet(next, k));
    } else if (metadata) for (const k of metadata.keys()) put(k, metadata.get(k));
    else for (const [k, v] of rest) put(k, v);
    const m = await guarded(ctx, () => services.clients.setMetadata(principal, client_id, set, drop), null);
    return m ? true : null;
  },
});

export const labelFunction = defineFunction({
  name: "label",
  category: "server",
  doc: "Adds (op=set), removes (op=remove) or checks (op=check) labels of a client. Labels are case-insensitive. set/remove return the arguments as a dict; check returns TRUE when the client has every label.",
  args: {
    client_id: arg.string().required().doc("The client id."),
    labels: arg.list(arg.string()).required().doc("Labels to set, remove or check."),
    op: arg.string().default("set").doc("set, remove or check."),
  },
  permissions: ["LABEL_CLIENT"],
  platforms: ["server"],
  sideEffects: true,
  async run({ client_id, labels, op }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const o = op.toLowerCase();
    if (o === "check") return guarded(ctx, () => services.clients.hasLabels(principal, client_id, labels), false);
    if (o !== "set" && o !== "remove") {
      ctx.log("ERROR", `label: op must be set, remove or check, not \`${op}\``);
      return null;
    }
    const done = await guarded(ctx, () => services.clients.label(principal, [client_id], labels, o).then(() => true), false);
    return done ? new OrderedDict([["client_id", client_id], ["labels", labels], ["op", o]]) : null;
  },
});

export const killkillkillFunction = defineFunction({
  name: "killkillkill",
  category: "server",
  doc: "Kills the client and forces a restart - this is very aggressive! The connected agent's process exits for its service manager to start it again (a pooled endpoint restarts itself); returns the client id, NULL when refused or the client is not connected.",
  args: { client_id: arg.string().required().doc("The client to kill.") },
  permissions: ["MACHINE_STATE"],
  platforms: ["server"],
  sideEffects: true,
  async run({ client_id }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const done = await guarded(ctx, async () => (await services.clients.kill(principal, client_id), true), false);
    return done ? client_id : null;
  },
});

export const clientBuiltins: readonly Builtin[] = [clientsPlugin, clientInfoFunction, clientMetadataFunction, clientSetMetadataFunction, labelFunction, killkillkillFunction];
