// Server VQL builtins for managed secrets, as Velociraptor names them: secret_add(),
// secret_modify() and the secrets() listing. SERVER_ADMIN (checked by the evaluator and again
// by the service). They return the secret's name, never its values; a refusal is a logged
// ERROR naming the secret and type only.
import { arg, defineFunction, definePlugin, OrderedDict, toJsonValue, type Builtin } from "../../vql";
import { SECRET_TYPES, type SecretSummary } from "@/engine/server/contracts";
import { guarded } from "./clients";
import { serverHost } from "./host";

export const secretAddFunction = defineFunction({
  name: "secret_add",
  category: "server",
  doc: "Adds a managed secret of a type (`HTTP Secrets`, `Webhook`, `SMTP Creds`) with its values, e.g. `secret_add(name='slack', type='Webhook', secret=dict(url='https://hooks.slack.com/...'))`. Returns the name (never the values), NULL when refused. The values then appear in no listing, row, log or error.",
  args: {
    name: arg.string().required().doc("The secret's name (letters, digits, `_`, `.`, `-`)."),
    type: arg.string().required().doc("The secret's type: `HTTP Secrets`, `Webhook` or `SMTP Creds`."),
    secret: arg.dict().required().doc("The values, one key per field of the type (for example `url`)."),
  },
  permissions: ["SERVER_ADMIN"],
  platforms: ["server"],
  sideEffects: true,
  async run({ name, type, secret }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const values = toJsonValue(secret) as Record<string, unknown>;
    return guarded(ctx, () => services.secrets.add(principal, { name, type, values }).then((s) => s.name), null);
  },
});

export const secretModifyFunction = defineFunction({
  name: "secret_modify",
  category: "server",
  doc: "Shares a secret with users or stops sharing it (`add_users`, `remove_users`), or deletes it (`delete=TRUE`). Users it is shared with may use it (http_client(secret=...)) without SERVER_ADMIN. Returns the name, NULL when refused.",
  args: {
    name: arg.string().required().doc("The secret's name."),
    type: arg.string().required().doc("The secret's type (must match)."),
    delete: arg.bool().default(false).doc("Delete the secret."),
    add_users: arg.list(arg.string()).doc("Users to share the secret with."),
    remove_users: arg.list(arg.string()).doc("Users to stop sharing the secret with."),
  },
  permissions: ["SERVER_ADMIN"],
  platforms: ["server"],
  sideEffects: true,
  async run({ name, type, delete: del, add_users, remove_users }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    if (del) return guarded(ctx, () => services.secrets.remove(principal, name, type).then(() => name), null);
    return guarded(ctx, () => services.secrets.modify(principal, name, { type, addUsers: add_users, removeUsers: remove_users }).then((s) => s.name), null);
  },
});

function secretRow(s: SecretSummary): OrderedDict {
  return new OrderedDict([
    ["name", s.name],
    ["type_name", s.type],
    ["fields", s.fields],
    ["users", s.users],
    ["created_by", s.createdBy],
    ["created", s.createdAt],
    ["updated_by", s.updatedBy],
    ["updated", s.updatedAt],
  ]);
}

export const secretsPlugin = definePlugin({
  name: "secrets",
  category: "server",
  doc: "One row per secret type, as Velociraptor lists them: `type_name`, `description`, `fields` (the type's field names) and `secrets` (each secret's name, fields with a value, users it is shared with, who created and updated it and when). Never a value.",
  args: {},
  permissions: ["SERVER_ADMIN"],
  platforms: ["server"],
  async *run(_args, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const all = await guarded(ctx, () => services.secrets.list(principal), null);
    if (!all) return;
    for (const [type, spec] of Object.entries(SECRET_TYPES)) {
      ctx.signal.throwIfAborted();
      yield new OrderedDict([
        ["type_name", type],
        ["description", spec.description],
        ["fields", spec.fields.map((f) => f.name)],
        ["secrets", all.filter((s) => s.type === type).map(secretRow)],
      ]);
    }
  },
});

export const secretBuiltins: readonly Builtin[] = [secretAddFunction, secretModifyFunction, secretsPlugin];
