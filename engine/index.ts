// The import surface for app/ (through app/_server/) and the process entry points. What app/
// bundles from here must stay light: types, pure constants and shape checks. The engine itself
// is created by server.ts in the Node process and reached through app/_server/engine.ts.
export type { EngineOptions } from "./server/wiring";
export type { Engine, Principal, Health, UserSummary, AuditEntry } from "@/engine/server/contracts";
export type * from "@/engine/server/contracts/notebooks";
export { PERMISSIONS, ROLES, ROLE_DESCRIPTIONS, permissionsOf, type Permission, type Role } from "./server/auth/roles";
export { FAVORITE_TYPES } from "@/engine/server/contracts/favorites";
export { MAX_PASSWORD_LENGTH } from "./server/auth/password-policy";

/** A service's refusal (ServiceError), recognised by shape: the app's bundle has its own copy of classes. */
export function isServiceError(err: unknown): err is Error & { code: string; status: number } {
  return err instanceof Error && err.name === "ServiceError" && typeof (err as { status?: unknown }).status === "number";
}

export async function createEngine(opts: import("./server/wiring").EngineOptions = {}) {
  const wiring = await import(/* turbopackIgnore: true */ "./server/wiring");
  return wiring.createEngine(opts);
}
export type { ArtifactSummary, ArtifactDetails, ArtifactChange, ArtifactImportResult } from "@/engine/server/contracts";
export type { ClientSummary, FlowSummary, FlowSourceSummary, FlowState, ArtifactDefinition, ArtifactParameter } from "@/engine/server/contracts";
export { ALERT_SEVERITIES, ALERT_STATUSES, ALERTS_TOPIC } from "./server/contracts/alerts";
export { USER_MESSAGES_TOPIC, userMessagesTopic, type UserMessageView } from "./server/contracts/user-messages";
export { HUNT_OS } from "./server/contracts/hunts";
export type { HuntSummary, HuntSpec, HuntClient, HuntClientState, HuntStats, HuntState, HuntOs, HuntEstimate, HuntEstimateSpec } from "./server/contracts/hunts";
export type { AlertId, AlertStatus, AlertSeverity, AlertSummary, AlertDetail, AlertOccurrence, AlertActivity, AlertFilter, AlertChange, AlertContext } from "./server/contracts/alerts";
export { SECRET_TYPES, SECRET_TYPE_NAMES } from "@/engine/server/contracts/secrets";
export type { SecretSummary, SecretTypeSpec, SecretFieldSpec } from "@/engine/server/contracts/secrets";
export { DEFAULT_ROLE_LIMITS, LIMIT_BOUNDS } from "./server/services/limits/defaults";
export type { RoleLimits, RoleLimitsChange } from "@/engine/server/contracts";
export { MAX_TOOL_BYTES } from "./server/contracts/tools";
export type { InventoryTool } from "./server/contracts/tools";
