// Turning a stored user into a Principal.
import type { UserRecord } from "@/drizzle";
import { permissionsOf } from "../../auth/roles";
import type { Principal } from "@/engine/server/contracts";

export function toPrincipal(user: UserRecord, via: Principal["via"]): Principal {
  return { userId: user.id, username: user.username, role: user.role, permissions: permissionsOf(user.role), via };
}

export const SYSTEM_PRINCIPAL: Principal = {
  userId: "system",
  username: "system",
  role: "administrator",
  permissions: permissionsOf("administrator"),
  via: "system",
};
