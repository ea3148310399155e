// The body of a collection request, checked with zod: POST /api/flows (many clients, by id or by
// a search) here, and POST /api/clients/:clientId/flows (app/api/clients/schemas.ts) on the same
// fields. The flows service resolves the artifacts and their parameters; a limit left out (or
// null, or 0) is each artifact's own resources, else the default.
import { z } from "zod";

/** A number, or absent / null for "not set". */
const unset = <T extends z.ZodType<number>>(n: T) => n.nullish().transform((v) => v ?? undefined);

export const Collection = z.object({
  artifacts: z.array(z.string().min(1).max(300)).min(1).max(100),
  /** `{Artifact: {Param: value}}`, or one flat object for every artifact; absent or null is {}. */
  parameters: z.record(z.string(), z.unknown()).nullish().transform((v) => v ?? {}),
  /** Seconds per source (fractions allowed); 0 is "not set". */
  timeoutSec: unset(z.number().min(0)),
  /** Rows per source; 0 is "not set". */
  maxRows: unset(z.number().int().min(0)),
});

/** The same collection on the clients given, or on every client a search finds (it wins when both are given). */
export const CollectMany = Collection.extend({
  clientIds: z.array(z.string().max(100)).max(100_000).optional(),
  search: z.string().max(10_000).optional(),
}).refine((b) => b.clientIds !== undefined || b.search !== undefined, { message: "give `clientIds` or a `search`" });
