// The built-in limits of each role (until an administrator sets them) and the bounds an
// administrator may set. Pure data: the limits service, its API schema and docs read it.
import type { RoleLimitsChange } from "@/engine/server/contracts";

/** What a role has before an administrator sets its limits. */
export const DEFAULT_ROLE_LIMITS: Record<string, RoleLimitsChange> = {
  administrator: { maxTimeoutSeconds: 24 * 3600, maxRows: 50_000_000, maxConcurrent: 4 },
  investigator: { maxTimeoutSeconds: 3600, maxRows: 5_000_000, maxConcurrent: 2 },
  analyst: { maxTimeoutSeconds: 3600, maxRows: 5_000_000, maxConcurrent: 2 },
  api: { maxTimeoutSeconds: 3600, maxRows: 5_000_000, maxConcurrent: 2 },
  reader: { maxTimeoutSeconds: 600, maxRows: 1_000_000, maxConcurrent: 1 },
};

/** For a role name the table above does not know (a future role): the most cautious set. */
export const FALLBACK_LIMITS: RoleLimitsChange = { maxTimeoutSeconds: 600, maxRows: 1_000_000, maxConcurrent: 1 };

/** What an administrator may set. */
export const LIMIT_BOUNDS = {
  maxTimeoutSeconds: { min: 1, max: 7 * 24 * 3600 },
  maxRows: { min: 1, max: 100_000_000 },
  maxConcurrent: { min: 1, max: 100 },
} as const;
