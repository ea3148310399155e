// GET /api/file-store?prefix=/downloads/<ClientId>/<FlowId>/: the server file store's files under
// a prefix (the exports create_flow_download() and create_hunt_download() wrote), READ_RESULTS.
import { z } from "zod";
import { getEngine } from "@/app/_server/engine";
import { json, readQuery, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

const Query = z.object({ prefix: z.string().max(1000).default("/") });

export function GET(req: Request) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { prefix } = readQuery(req, Query);
    return json({ files: await getEngine().fileStore.list(p, prefix) });
  });
}
