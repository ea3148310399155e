// The file browser routes' inputs (zod): a path on the endpoint, paging, a listing's depth, a
// flow id; query strings are parsed with parseQuery (a 400 naming the field, never its value).
import { z } from "zod";
import { BadRequest } from "@/app/_server/respond";

const Path = z.string().min(1).max(4096);

export const ListQuery = z.object({
  path: Path.default("/"),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const PathQuery = z.object({ path: Path });
export const ProgressQuery = z.object({ flowId: z.string().regex(/^F\.[A-Za-z0-9.]+$/, "a flow id") });
export const RefreshBody = z.object({ path: Path, depth: z.number().int().min(0).max(31).default(0) });
export const PathBody = z.object({ path: Path });

export function parseQuery<T>(req: Request, schema: z.ZodType<T>): T {
  const r = schema.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!r.success) throw new BadRequest(r.error.issues.map((i) => `${i.path.map(String).join(".") || "query"}: ${i.message}`).join("; "));
  return r.data;
}
