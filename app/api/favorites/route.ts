// The signed-in user's favorites (saved collection specs, as favorites_save() writes them):
// GET ?type=CLIENT lists them, POST {name, description?, type, spec} saves one (replacing one of
// the same name and type), DELETE ?name=&type= removes one. Bodies and queries checked with zod.
import { z } from "zod";
import { getEngine } from "@/app/_server/engine";
import { json, readBody, readQuery, withPrincipal } from "@/app/_server/respond";
import { FAVORITE_TYPES } from "@/engine";

export const dynamic = "force-dynamic";

const Type = z.enum(FAVORITE_TYPES);
const ListQuery = z.object({ type: Type.optional() });
const SaveBody = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(4000).default(""),
  type: Type.default("CLIENT"),
  spec: z.array(z.object({ artifact: z.string().min(1).max(500), parameters: z.object({ env: z.array(z.object({ key: z.string().min(1), value: z.string() })).max(1000) }).optional() })).min(1).max(500),
});
const DeleteQuery = z.object({ name: z.string().min(1).max(200), type: Type });

export function GET(req: Request) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { type } = readQuery(req, ListQuery);
    return json({ favorites: await getEngine().favorites.list(p, type) });
  });
}

export function POST(req: Request) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const body = await readBody(req, SaveBody);
    return json({ favorite: await getEngine().favorites.save(p, body) }, 201);
  });
}

export function DELETE(req: Request) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { name, type } = readQuery(req, DeleteQuery);
    await getEngine().favorites.remove(p, name, type);
    return json({ ok: true });
  });
}
