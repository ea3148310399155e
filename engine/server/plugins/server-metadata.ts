// Server VQL builtins for the server's own metadata: server_metadata() and
// server_set_metadata(), where server artifacts keep webhook tokens and API keys
// (`server_metadata().SlackToken`). SERVER_ADMIN, checked by the evaluator before run() and
// again by the clients service. Values never reach a log line: a refusal names keys only.
import { arg, defineFunction, OrderedDict, toVqlString, type Builtin } from "../../vql";
import { guarded } from "./clients";
import { serverHost } from "./host";

export const serverMetadataFunction = defineFunction({
  name: "server_metadata",
  category: "server",
  doc: "The server's metadata: a dict of key/value strings server artifacts read their settings from (webhook tokens, API keys), e.g. `server_metadata().SlackToken`. Velociraptor keeps it as the metadata of client `server`.",
  args: {},
  permissions: ["SERVER_ADMIN"],
  platforms: ["server"],
  async run(_args, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const entries = await guarded(ctx, () => services.clients.serverMetadata(principal), null);
    return entries ? new OrderedDict(entries) : null;
  },
});

export const serverSetMetadataFunction = defineFunction({
  name: "server_set_metadata",
  category: "server",
  doc: "Sets keys of the server's metadata, from `metadata` or else from the call's other arguments (`server_set_metadata(SlackToken='https://hooks...')`); an existing key is overwritten and a NULL value removes the key. Returns TRUE (never the values, which are usually secrets), NULL when refused.",
  args: {
    metadata: arg.dict().doc("Keys and values to set; when absent, the call's other arguments are the keys."),
  },
  rest: arg.any().doc("A metadata key and its value, used when `metadata` is not given (a NULL value removes the key)."),
  permissions: ["SERVER_ADMIN"],
  platforms: ["server"],
  sideEffects: true,
  async run({ metadata }, ctx, rest) {
    const { principal, services } = serverHost(ctx.host);
    // Velociraptor passes the call on as client_set_metadata(client_id="server", ...), so a
    // `client_id` keyword is never a key.
    const given: Array<[string, unknown]> = metadata ? metadata.keys().map((k) => [k, metadata.get(k)]) : rest.filter(([k]) => k !== "client_id");
    const set = given.map(([k, v]): [string, string | null] => [k, v === null || v === undefined ? null : toVqlString(v)]);
    return guarded(ctx, () => services.clients.setServerMetadata(principal, set).then(() => true), null);
  },
});

export const serverMetadataBuiltins: readonly Builtin[] = [serverMetadataFunction, serverSetMetadataFunction];
