// The query string of a flow results page or download, checked with zod: the source, paging,
// and the view (sort=&desc=1&filter=&filterColumn=). Column names are checked again against
// the source's columns by the flows service; here only their shape.
import { z } from "zod";
import { BadRequest } from "@/app/_server/respond";

const column = z.string().min(1).max(500);
const int = (def: number) => z.coerce.number().int().min(0).default(def);

export const FlowResultsQuery = z.object({
  artifact: z.string().min(1).max(500),
  offset: int(0),
  limit: int(100),
  sort: column.optional(),
  desc: z.enum(["0", "1", "true", "false"]).optional(),
  filter: z.string().max(1000).optional(),
  filterColumn: column.optional(),
  format: z.enum(["csv", "json"]).optional(),
});

export function parseFlowResultsQuery(sp: URLSearchParams) {
  const raw: Record<string, string> = {};
  for (const [k, v] of sp) if (v !== "") raw[k] = v;
  const r = FlowResultsQuery.safeParse(raw);
  if (!r.success) throw new BadRequest(r.error.issues.map((i) => `${i.path.map(String).join(".") || "query"}: ${i.message}`).join("; "));
  const q = r.data;
  return {
    artifact: q.artifact,
    offset: q.offset,
    limit: q.limit,
    format: q.format,
    view: {
      ...(q.sort ? { sort: { column: q.sort, desc: q.desc === "1" || q.desc === "true" } } : {}),
      ...(q.filter?.trim() ? { filter: { text: q.filter, ...(q.filterColumn ? { column: q.filterColumn } : {}) } } : {}),
    },
  };
}
