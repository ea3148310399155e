// PUT /api/role-limits/<role>'s body, checked with zod against the bounds an administrator may
// set (the service checks them again, and that the role exists).
import { z } from "zod";
import { LIMIT_BOUNDS } from "@/engine";

const bounded = (b: { min: number; max: number }) => z.number().int().min(b.min).max(b.max);

export const SetRoleLimits = z
  .object({
    maxTimeoutSeconds: bounded(LIMIT_BOUNDS.maxTimeoutSeconds),
    maxRows: bounded(LIMIT_BOUNDS.maxRows),
    maxConcurrent: bounded(LIMIT_BOUNDS.maxConcurrent),
  })
  .strict();
