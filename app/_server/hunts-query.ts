// The hunts routes' query strings through their zod schemas; a problem is a 400 naming the field.
import "server-only";
import { HuntClientsQuery, HuntResultsQuery } from "../api/hunts/schemas";
import { BadRequest } from "./respond";

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } }, sp: URLSearchParams): T {
  const r = schema.safeParse(Object.fromEntries(sp));
  if (!r.success) throw new BadRequest(`\`${String(r.error.issues[0]?.path[0] ?? "query")}\`: ${r.error.issues[0]?.message}`);
  return r.data;
}

export const huntClientsQuery = (sp: URLSearchParams) => parse(HuntClientsQuery, sp);
export const huntResultsQuery = (sp: URLSearchParams) => parse(HuntResultsQuery, sp);
