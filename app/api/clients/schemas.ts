// Request bodies and query parameters of the clients routes that change clients or start work
// on them: labels (POST /api/clients/labels), a client's metadata (PUT .../metadata) and its
// collections (GET and POST .../flows), checked with zod. The file browser's are in vfs/schemas.ts.
import { z } from "zod";
import { Collection } from "@/app/api/flows/schemas";

const clientIds = z.array(z.string().max(100)).max(100_000);

/** The labels service trims each label and keeps at most 100 characters (it drops empty ones). */
export const LabelChange = z.object({
  clientIds,
  labels: z.array(z.string().trim().max(100)).max(1000),
  op: z.enum(["set", "remove"]),
});

/** Values are text; numbers and booleans are written as text, null as "" (absent set/remove: none). */
export const MetadataChange = z.object({
  set: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .nullish()
    .transform((s) => Object.fromEntries(Object.entries(s ?? {}).map(([k, v]) => [k, v === null ? "" : String(v)]))),
  remove: z.array(z.string()).nullish().transform((r) => r ?? []),
});

/** POST /api/clients/:clientId/flows: one collection on this client. */
export const CollectOne = Collection;

/** GET /api/clients/:clientId/flows?offset=&limit=&artifact=: a page, newest first (limit at most the service's 1000). */
export const ClientFlowsQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  artifact: z.string().regex(/^[A-Za-z0-9_.]{1,200}$/, "must be an artifact name").optional(),
});
