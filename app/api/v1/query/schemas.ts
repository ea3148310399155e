// POST /api/v1/query's body, checked with zod. Limits against the caller's role are the
// engine's (engine.api.query): here only the shape.
import { z } from "zod";

export const QueryRequest = z
  .object({
    query: z.string().max(1024 * 1024).refine((q) => q.trim().length > 0, "`query` must be VQL text"),
    env: z.record(z.string().max(200), z.unknown()).optional(),
    timeoutSec: z.number().positive().max(30 * 24 * 3600).optional(),
    maxRows: z.number().int().positive().optional(),
  })
  .strict();
