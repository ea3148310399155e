// Roles and the permissions they grant, compatible with Velociraptor's acls/roles.go.
// Pure data: the UI lists it, the evaluator checks builtins against it.

export const PERMISSIONS = [
  "ANY_QUERY",
  "PUBLISH",
  "READ_RESULTS",
  "LABEL_CLIENT",
  "COLLECT_CLIENT",
  "COLLECT_BASIC",
  "START_HUNT",
  "COLLECT_SERVER",
  "ARTIFACT_WRITER",
  "SERVER_ARTIFACT_WRITER",
  "EXECVE",
  "NOTEBOOK_EDITOR",
  "SERVER_ADMIN",
  "FILESYSTEM_READ",
  "FILESYSTEM_WRITE",
  "NETWORK",
  "MACHINE_STATE",
  "PREPARE_RESULTS",
  "DELETE_RESULTS",
  "IMPERSONATION",
  // Talon's own: change an alert's status, assignee and comments (the Alerts inbox).
  "ALERT_TRIAGE",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ["administrator", "investigator", "analyst", "reader", "api"] as const;
export type Role = (typeof ROLES)[number];

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  administrator: PERMISSIONS.filter((p) => p !== "PUBLISH"),
  investigator: [
    "READ_RESULTS",
    "NOTEBOOK_EDITOR",
    "COLLECT_CLIENT",
    "START_HUNT",
    "LABEL_CLIENT",
    "ANY_QUERY",
    "PREPARE_RESULTS",
    "ALERT_TRIAGE",
  ],
  analyst: ["READ_RESULTS", "NOTEBOOK_EDITOR", "LABEL_CLIENT", "ANY_QUERY", "PREPARE_RESULTS", "ALERT_TRIAGE"],
  reader: ["READ_RESULTS"],
  api: ["ANY_QUERY", "READ_RESULTS"],
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  administrator: "Everything, including users, server artifacts and running programs on endpoints",
  investigator: "Collect from clients, start hunts, label clients, edit notebooks",
  analyst: "Run queries, edit notebooks and label clients; no collections",
  reader: "Read results and notebooks shared with them",
  api: "Query through the API with an API key",
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function permissionsOf(role: string): ReadonlySet<Permission> {
  return new Set(isRole(role) ? ROLE_PERMISSIONS[role] : []);
}
