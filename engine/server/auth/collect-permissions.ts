// What a collection needs besides COLLECT_CLIENT, checked when it is created (collections now,
// hunts with the same functions): each artifact's required_permissions and implied_permissions
// (what its VQL does on the client, where builtins are not permission-checked: FILESYSTEM_READ
// for anything that reads or uploads files a user names, as Velociraptor declares it), and
// COLLECT_SERVER when a target is the server's own host (its local agent). Pure.
import type { Permission } from "./roles";

export interface CollectedArtifact {
  name: string;
  requiredPermissions?: string[];
  /** Velociraptor's `implied_permissions`: of the artifact and of the artifacts it calls. */
  impliedPermissions?: string[];
}

/** Why `permissions` may not collect `def`, or undefined. */
export function artifactPermissionProblem(permissions: ReadonlySet<string>, def: CollectedArtifact): string | undefined {
  for (const perm of def.requiredPermissions ?? []) if (!permissions.has(perm)) return `collecting ${def.name} needs the ${perm} permission`;
  for (const perm of def.impliedPermissions ?? []) if (!permissions.has(perm)) return `collecting ${def.name} needs the ${perm} permission (it declares implied_permissions: ${perm})`;
  return undefined;
}

export const COLLECT_SERVER: Permission = "COLLECT_SERVER";

/** Why `permissions` may not collect from these clients, given which of them are the server's own hosts, or undefined. */
export function serverHostProblem(permissions: ReadonlySet<string>, serverHosts: ReadonlySet<string>): string | undefined {
  if (!serverHosts.size || permissions.has(COLLECT_SERVER)) return undefined;
  const [first] = serverHosts;
  return `${first}${serverHosts.size > 1 ? ` (and ${serverHosts.size - 1} more)` : ""} is the server's own host: collecting from it needs the COLLECT_SERVER permission`;
}
