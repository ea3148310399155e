// GET /api/file-store/download?path=/downloads/...: one complete file of the server file store
// (an export zip create_flow_download() or create_hunt_download() wrote), streamed from the
// database part by part, READ_RESULTS. 404 when there is none, 409 while it is being written.
import { z } from "zod";
import { getEngine } from "@/app/_server/engine";
import { readQuery, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

const Query = z.object({ path: z.string().min(1).max(1000) });

export function GET(req: Request) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { path } = readQuery(req, Query);
    const { file, body } = await getEngine().fileStore.open(p, path);
    const name = file.path.split("/").pop()!.replace(/[^A-Za-z0-9._-]/g, "_");
    return new Response(body, {
      headers: {
        "Content-Type": name.endsWith(".zip") ? "application/zip" : "application/octet-stream",
        "Content-Disposition": `attachment; filename="${name}"`,
        "Content-Length": String(file.size),
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  });
}
