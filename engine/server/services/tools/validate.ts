// zod at the tools service's edge: what inventory_add(), inventory_get() and the launcher may
// hand in. Names are used in variable names (Tool_<name>_HASH), so they are identifiers.
import { z } from "zod";
import { ServiceError } from "@/engine/server/contracts";

const name = z.string().regex(/^[A-Za-z0-9_.-]{1,200}$/, "a tool name is 1 to 200 letters, digits, `_`, `.` or `-`");
const sha256 = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .refine((s) => s === "" || /^[0-9a-f]{64}$/.test(s), "a hash is a sha256 in hex (64 hex digits)");
const filename = z.string().max(255).refine((s) => !/[/\\\0]/.test(s), "a file name has no `/`, `\\` or NUL");

export const addSchema = z.object({
  tool: name,
  serveLocally: z.boolean().optional(),
  url: z.string().max(4000).optional(),
  hash: sha256.optional(),
  filename: filename.optional(),
  version: z.string().max(200).optional(),
  data: z.instanceof(Uint8Array).optional(),
  artifact: z.string().max(500).optional(),
});

export const getSchema = z.object({ tool: name, version: z.string().max(200).optional(), probe: z.boolean().optional() });

export const declaredSchema = z.array(
  z.object({
    name,
    artifact: z.string(),
    url: z.string().max(4000).optional(),
    githubProject: z.string().optional(),
    githubAssetRegex: z.string().optional(),
    serveLocally: z.boolean().optional(),
    expectedHash: sha256.optional(),
    version: z.string().max(200).optional(),
    filename: filename.optional(),
  }),
);

export function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new ServiceError("bad_request", `${what}: ${i.path.length ? `field \`${i.path.join(".")}\`: ` : ""}${i.message}`);
  }
  return r.data;
}

/** http(s) only: an agent fetches it with http_client(). */
export function checkUrl(url: string | undefined): void {
  if (!url) return;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ServiceError("bad_request", `\`${url}\` is not a URL`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new ServiceError("bad_request", `a tool's url is http or https, not ${u.protocol}`);
}
