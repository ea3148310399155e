// Request bodies of a notebook's cell routes (add, save, run, undo/redo, move, promote to an
// artifact), checked with zod: a cell's type is vql or markdown, its text at most the 1 MiB the
// notebooks service keeps, a position a whole index (the service clamps it to the notebook).
import { z } from "zod";

const CellType = z.enum(["vql", "markdown"]);
const input = z.string().max(1024 * 1024);
const position = z.number().int().min(0);

/** POST /api/notebooks/:id/cells: a VQL cell unless told otherwise, empty, at the end unless placed. */
export const NewCell = z.object({ type: CellType.default("vql"), input: input.default(""), position: position.optional() });

/** PUT .../cells/:cellId: the text as a new version; the type stays unless given. */
export const SaveCell = z.object({ input, type: CellType.optional() });

/** POST .../cells/:cellId/run: a new version (when input or type is given) run as the caller. */
export const RunCell = z.object({ input: input.optional(), type: CellType.optional() });

/** POST .../cells/:cellId/revert: -1 undoes, 1 redoes; `draft` is unsaved text kept before an undo. */
export const RevertCell = z.object({ step: z.union([z.literal(-1), z.literal(1)]), draft: input.optional() });

/** POST .../cells/:cellId/move: the index the cell moves to. */
export const MoveCell = z.object({ position });

/** POST .../cells/:cellId/artifact: the artifact's YAML (the repository checks it). */
export const PromoteCell = z.object({ yaml: z.string() });
