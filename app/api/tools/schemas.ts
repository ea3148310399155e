// Requests of the tools routes, checked with zod: an admin's url (and expected sha256) for a
// tool, and the query of a file upload (the tool's version, the file name on the endpoint).
// The tools service checks the same fields again (names, http(s) urls, hex hashes).
import { z } from "zod";

const toolName = z.string().regex(/^[A-Za-z0-9_.-]{1,200}$/, "a tool name is 1 to 200 letters, digits, `_`, `.` or `-`");
const version = z.string().max(200);
const filename = z
  .string()
  .max(255)
  .refine((s) => !/[/\\\0]/.test(s), "a file name has no `/`, `\\` or NUL");
const sha256 = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .refine((s) => s === "" || /^[0-9a-f]{64}$/.test(s), "a hash is a sha256 in hex (64 hex digits)");

export const ToolName = toolName;

/** POST /api/tools: agents are handed `url` and check the file against `hash`. */
export const SetToolUrl = z
  .object({
    tool: toolName,
    version: version.optional(),
    url: z.string().url().max(4000).refine((u) => /^https?:\/\//i.test(u), "a tool's url is http or https"),
    hash: sha256.optional(),
    filename: filename.optional(),
  })
  .strict();

/** PUT /api/tools/:name/file?version=&filename=: the body is the file. */
export const UploadQuery = z.object({ version: version.optional(), filename: filename.optional() }).strict();
