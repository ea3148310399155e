// Server VQL builtins for users and orgs: whoami(), gui_users(), user_create(), org(), orgs().
// Talon has one org, shown as Velociraptor shows its root org (id `root`, name `<root>`), and
// one role per user (Talon's roles: administrator, investigator, analyst, reader, api). Users
// come from the accounts service the run was given (ctx.host); a refusal or bad argument is a
// logged ERROR and NULL / no rows.
import { arg, defineFunction, definePlugin, OrderedDict, type Builtin, type BuiltinContext } from "../../vql";
import { isRole, permissionsOf, ROLES } from "../auth/roles";
import type { VqlAccounts } from "@/engine/server/contracts";
import { guarded } from "./clients";
import { serverHost } from "./host";

/** Velociraptor's root org: its id, and the name its GUI shows. */
export const ROOT_ORG_ID = "root";
export const ROOT_ORG_NAME = "<root>";

function accountsOf(ctx: BuiltinContext): VqlAccounts | undefined {
  const a = serverHost(ctx.host).services.accounts;
  if (!a) ctx.log("ERROR", `${ctx.name}: users are not available to this query`);
  return a;
}

export const whoamiFunction = defineFunction({
  name: "whoami",
  category: "server",
  doc: "The name of the user running the query.",
  args: {},
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  run(_args, ctx) {
    ctx.signal.throwIfAborted();
    return serverHost(ctx.host).principal.username;
  },
});

export const orgFunction = defineFunction({
  name: "org",
  category: "server",
  doc: "The current org as a dict ({name, id}): Talon has one org, Velociraptor's root org (id `root`, name `<root>`).",
  args: {},
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  run(_args, ctx) {
    ctx.signal.throwIfAborted();
    serverHost(ctx.host);
    return new OrderedDict([["name", ROOT_ORG_NAME], ["id", ROOT_ORG_ID]]);
  },
});

export const orgsPlugin = definePlugin({
  name: "orgs",
  category: "server",
  doc: "The orgs on this server, one row each (Name, OrgId): Talon has one, Velociraptor's root org.",
  args: {},
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async *run(_args, ctx) {
    ctx.signal.throwIfAborted();
    serverHost(ctx.host);
    yield new OrderedDict([["Name", ROOT_ORG_NAME], ["OrgId", ROOT_ORG_ID]]);
  },
});

/** A role's permissions as Velociraptor's effective_policy dict: each granted permission, lower-cased, TRUE. */
function effectivePolicy(role: string): OrderedDict {
  return new OrderedDict([...permissionsOf(role)].map((p) => [p.toLowerCase(), true]));
}

export const guiUsersPlugin = definePlugin({
  name: "gui_users",
  category: "server",
  doc: "The server's users, one row each: name, org_id, picture, email, roles (Talon: the user's one role), effective_policy (the role's permissions, lower-cased, TRUE), and Talon's disabled.",
  args: {
    all_orgs: arg.bool().doc("Every org's users (Talon has one org, so it changes nothing)."),
  },
  permissions: ["SERVER_ADMIN"],
  platforms: ["server"],
  async *run(_args, ctx) {
    const { principal } = serverHost(ctx.host);
    const accounts = accountsOf(ctx);
    if (!accounts) return;
    const users = await guarded(ctx, () => accounts.listUsers(principal), null);
    for (const u of users ?? []) {
      ctx.signal.throwIfAborted();
      yield new OrderedDict([
        ["name", u.username],
        ["org_id", ROOT_ORG_ID],
        ["picture", ""],
        ["email", ""],
        ["roles", [u.role]],
        ["effective_policy", effectivePolicy(u.role)],
        ["disabled", u.disabled],
      ]);
    }
  },
});

export const userCreateFunction = defineFunction({
  name: "user_create",
  category: "server",
  doc: "Creates a user with a role, or gives an existing user that role (an existing user's password is left alone, as in Velociraptor). Returns the user name, NULL when refused. A new user needs a password that passes Talon's password policy.",
  args: {
    user: arg.string().required().doc("The user to create or update."),
    roles: arg.list(arg.string()).required().doc("The role to give the user: exactly one of Talon's roles (administrator, investigator, analyst, reader, api)."),
    password: arg.string().doc("The new user's password (required to create a user; ignored for an existing one)."),
    sub: arg.string().doc("Velociraptor's SSO subject; Talon has no SSO, so it is accepted and not used."),
    orgs: arg.list(arg.string()).doc("Org ids to grant the role in: Talon has one org, so only `root` (or none)."),
  },
  permissions: ["SERVER_ADMIN"],
  platforms: ["server"],
  sideEffects: true,
  async run({ user, roles, password, orgs }, ctx) {
    const { principal } = serverHost(ctx.host);
    const accounts = accountsOf(ctx);
    if (!accounts) return null;
    const given = [...new Set(roles.map((r) => r.trim()).filter(Boolean))];
    if (given.length !== 1) {
      ctx.log("ERROR", `user_create: a Talon user has exactly one role; give one of ${ROLES.join(", ")} (got ${given.length})`);
      return null;
    }
    const role = given[0]!;
    if (!isRole(role)) {
      ctx.log("ERROR", `user_create: unknown role \`${role}\`; Talon's roles are ${ROLES.join(", ")}`);
      return null;
    }
    const other = (orgs ?? []).filter((o) => o && o !== ROOT_ORG_ID);
    if (other.length) {
      ctx.log("ERROR", `user_create: Talon has one org (\`${ROOT_ORG_ID}\`); no org ${other.map((o) => `\`${o}\``).join(", ")}`);
      return null;
    }
    const users = await guarded(ctx, () => accounts.listUsers(principal), null);
    if (!users) return null;
    const name = user.trim().toLowerCase();
    if (users.some((u) => u.username === name)) {
      const ok = await guarded(ctx, () => accounts.setRole(principal, name, role).then(() => true), false);
      return ok ? name : null;
    }
    if (!password) {
      ctx.log("ERROR", "user_create: a new user needs a password");
      return null;
    }
    const created = await guarded(ctx, () => accounts.createUser(principal, { username: name, password, role }), null);
    return created ? created.username : null;
  },
});

export const userBuiltins: readonly Builtin[] = [whoamiFunction, orgFunction, orgsPlugin, guiUsersPlugin, userCreateFunction];
