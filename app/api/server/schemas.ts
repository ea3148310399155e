// PUT /api/server/metadata's body, checked with zod: {set: {key: value | null}, remove: [key]},
// values written as text and null removing the key, as in Velociraptor. The service checks the
// keys (1 to 200 printable characters) and the values' length. Values are often secrets: zod's
// problems name the key, never the value.
import { z } from "zod";

export const ServerMetadataChange = z.object({
  set: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .default({})
    .transform((s) => Object.entries(s).map(([k, v]): [string, string | null] => [k, v === null ? null : String(v)])),
  remove: z.array(z.string()).default([]),
});
