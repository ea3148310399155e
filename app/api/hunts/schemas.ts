// Request bodies and query parameters of the hunts routes, checked with zod. Pure (no
// server-only import), so the parsing is unit-tested; problems come back as one sentence that
// names the field.
import { z } from "zod";
import { HUNT_OS, type HuntSpec } from "@/engine";

const time = z.string().transform((v, ctx) => {
  const d = /^\d+(\.\d+)?$/.test(v) ? new Date(Number(v) * 1000) : new Date(v);
  if (Number.isNaN(d.getTime())) {
    ctx.addIssue({ code: "custom", message: "not a time (epoch seconds or ISO 8601)" });
    return z.NEVER;
  }
  return d;
});
const labels = z.array(z.string().trim().min(1).max(200)).max(100);
const whole = (max: number) => z.number().int().min(0).max(max);

export const HuntCreate = z.object({
  artifacts: z.array(z.string().min(1).max(300)).min(1).max(100),
  parameters: z.record(z.string(), z.unknown()).optional(),
  description: z.string().max(10_000).optional(),
  tags: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
  expires: time.optional(),
  includeLabels: labels.optional(),
  excludeLabels: labels.optional(),
  os: z.enum(HUNT_OS).optional(),
  serverCondition: z.string().max(100_000).optional(),
  clientCondition: z.string().max(100_000).optional(),
  clientRate: whole(1_000_000).optional(),
  clientLimit: whole(100_000_000).optional(),
  timeoutSec: z.number().int().min(1).max(7 * 24 * 3600).optional(),
  maxRows: z.number().int().min(1).optional(),
  maxUploadBytes: whole(Number.MAX_SAFE_INTEGER).optional(),
  /** Default true, as in Velociraptor's GUI: a new hunt waits to be started. */
  pause: z.boolean().default(true),
  /** Safety rails: stop at more than this % of errors (with >= 10 finished), or past these totals. */
  maxErrorPercent: z.number().int().min(1).max(100).optional(),
  maxTotalRows: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  maxTotalUploadBytes: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
}) satisfies z.ZodType<HuntSpec, unknown>;

/** POST /api/hunts/estimate: the selection fields of a create, with the same types. */
export const HuntEstimateBody = HuntCreate.pick({ includeLabels: true, excludeLabels: true, os: true, serverCondition: true, clientLimit: true }).strict();

/** POST /api/hunts/:huntId/rerun: which clients get a new flow (only `error`, the default). */
export const HuntRerunBody = z.object({ states: z.array(z.literal("error")).min(1).max(1).default(["error"]) }).strict();

export const HuntPatch = z.object({
  state: z.enum(["RUNNING", "STOPPED"]).optional(),
  description: z.string().max(10_000).optional(),
  expires: time.optional(),
});

export const HuntListQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

export const HUNT_CLIENT_STATES = ["checking", "excluded", "pending", "running", "completed", "with_results", "error"] as const;

/** GET /api/hunts/:huntId/clients: one queue (or all), a page of it. */
export const HuntClientsQuery = z.object({
  state: z.enum(HUNT_CLIENT_STATES).optional(),
  offset: z.coerce.number().int().min(0).max(100_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

/** GET /api/hunts/:huntId/results: one source (`Artifact` or `Artifact/Source`, or both parts), a page. */
export const HuntResultsQuery = z.object({
  artifact: z.string().max(300).optional(),
  source: z.string().max(300).optional(),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
