// The only import surface for app/ (through app/_server/) and for the process entry points.
export { createEngine, type EngineOptions } from "./server/wiring";
export type { Engine, Principal, Health, UserSummary, AuditEntry } from "./server/services/types";
export { ServiceError } from "./server/services/types";
export { PERMISSIONS, ROLES, ROLE_DESCRIPTIONS, permissionsOf, type Permission, type Role } from "./server/auth/roles";
export { TALON_VERSION } from "./server/version";
