// Users: administrators manage accounts, API keys and the limits per role here; others see why they cannot.
import { ROLE_DESCRIPTIONS, ROLES } from "@/engine";
import { Forbidden } from "../../_components/forbidden";
import { RoleLimitsAdmin } from "../../_components/role-limits-admin";
import { UsersAdmin } from "../../_components/users-admin";
import { requirePagePrincipal } from "../../_server/auth";
import { getEngine } from "../../_server/engine";

export const metadata = { title: "Users" };

export const dynamic = "force-dynamic";

export default async function UsersPage() {
  const p = await requirePagePrincipal("/users");
  if (!p.permissions.has("SERVER_ADMIN")) return <Forbidden permission="SERVER_ADMIN" />;
  const engine = getEngine();
  const [users, keys, limits] = await Promise.all([engine.accounts.listUsers(p), engine.accounts.listApiKeys(p), engine.limits.list(p)]);
  return (
    <section>
      <h1>Users</h1>
      <UsersAdmin
        me={p.username}
        roles={ROLES.map((name) => ({ name, description: ROLE_DESCRIPTIONS[name] }))}
        users={users.map((u) => ({ username: u.username, role: u.role, disabled: u.disabled, createdAt: u.createdAt.toISOString() }))}
        keys={keys.map((k) => ({ ...k, createdAt: k.createdAt.toISOString(), lastUsedAt: k.lastUsedAt?.toISOString() ?? null }))}
      />
      <RoleLimitsAdmin limits={limits.map((l) => ({ ...l, updatedAt: l.updatedAt?.toISOString() ?? null }))} />
    </section>
  );
}
