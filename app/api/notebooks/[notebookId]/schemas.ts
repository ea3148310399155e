// PATCH /api/notebooks/:id's and POST /api/notebooks/:id/copy's bodies, checked with zod: the
// shape of each field. The service checks the rest (names, parameter types, and the timeout and
// row cap against the caller's role limits).
import { z } from "zod";

const optionalCount = z.union([z.number().int().positive(), z.null(), z.literal("")]).optional();

export const UpdateNotebook = z
  .object({
    name: z.string().max(1000).optional(),
    description: z.string().max(100_000).optional(),
    collaborators: z.array(z.string().max(200)).max(1000).optional(),
    isPublic: z.boolean().optional(),
    env: z.array(z.object({ key: z.string().max(200), value: z.string().max(100_000) }).passthrough()).max(1000).optional(),
    parameters: z.array(z.record(z.string(), z.unknown())).max(1000).optional(),
    settings: z.object({ timeoutSeconds: optionalCount, maxRows: optionalCount }).strict().optional(),
  })
  .strict();

/** POST /api/notebooks/:id/copy: a name for the copy (else "Copy of <name>"); the body may be left out. */
export const CopyNotebook = z.object({ name: z.string().max(1000).optional() });
