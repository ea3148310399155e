// The notebook list's query and a new notebook's body (GET and POST /api/notebooks), checked
// with zod: the shape of each field. The notebooks service checks the rest (the template, the
// name's 200 characters once trimmed, collaborators' user names). PATCH and copy are in
// [notebookId]/schemas.ts, cells in [notebookId]/cells/schemas.ts.
import { z } from "zod";

/** ?scope=all|mine|shared&search=&sort=modified|name|created&limit=&offset= (limit at most the service's 500). */
export const NotebookListQuery = z.object({
  scope: z.enum(["all", "mine", "shared"]).default("all"),
  search: z.string().max(1000).optional(),
  sort: z.enum(["modified", "name", "created"]).default("modified"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

const parameterValue = z.union([z.string(), z.number(), z.boolean()]);

/** Without a name the template's is used; without a template, a blank notebook. */
export const CreateNotebook = z.object({
  name: z.string().max(1000).default(""),
  description: z.string().max(100_000).optional(),
  /** A template id; "" is none. */
  template: z.string().max(200).optional().transform((t) => t || undefined),
  /** The template's parameter values by name, as text. */
  parameters: z
    .record(z.string(), parameterValue)
    .optional()
    .transform((r) => (r ? Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])) : undefined)),
  collaborators: z.array(z.string().max(200)).max(1000).optional(),
  isPublic: z.boolean().default(false),
});
