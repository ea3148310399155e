// Request bodies and query parameters of the artifacts routes (the list, POST /api/artifacts and
// POST /api/artifacts/:name/rename), checked with zod: only their shape. The YAML itself is the
// artifact loader's to check (a 400 with every diagnostic); so is the new name in a rename.
import { z } from "zod";

/** GET /api/artifacts?search=&type=&limit=: every artifact when no limit is given. */
export const ArtifactListQuery = z.object({
  search: z.string().max(1000).default(""),
  type: z.string().max(100).default(""),
  limit: z.coerce.number().int().min(1).optional(),
});

/** POST /api/artifacts: the YAML, and a prefix its name must have (pack imports) when given. */
export const SetArtifact = z.object({ yaml: z.string(), prefix: z.string().max(300).optional() });

/** POST /api/artifacts/:name/rename: the new name, trimmed. */
export const RenameArtifact = z.object({ to: z.string().trim().min(1).max(300) });
