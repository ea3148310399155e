// GET /api/tools/download/<token>: a locally served tool's bytes, for agents (Velociraptor's
// public/ directory). Public like /api/health: agents have no session, and the 64-hex-digit
// token, generated per tool and known only from the inventory and the collections given the
// tool, is the credential. 404 for any other token; nothing else is served here.
import { z } from "zod";
import { getEngine } from "@/app/_server/engine";
import { errorResponse } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

const Token = z.string().regex(/^[0-9a-f]{64}$/);

type Ctx = { params: Promise<{ token: string }> };

export async function GET(_req: Request, ctx: Ctx) {
  try {
    const token = Token.safeParse((await ctx.params).token);
    const tool = token.success ? await getEngine().tools.download(token.data) : undefined;
    if (!tool) return Response.json({ error: "not_found", message: "no such tool" }, { status: 404, headers: { "Cache-Control": "no-store" } });
    const name = tool.filename.replace(/[^A-Za-z0-9._-]/g, "_") || "tool";
    return new Response(tool.data as Uint8Array<ArrayBuffer>, {
      headers: {
        "Content-Type": "application/octet-stream",
        "Content-Disposition": `attachment; filename="${name}"`,
        "Content-Length": String(tool.data.length),
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  } catch (err) {
    return errorResponse(err);
  }
}
