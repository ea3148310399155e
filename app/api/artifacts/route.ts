// GET /api/artifacts?search=&type=: summaries (READ_RESULTS). POST /api/artifacts {yaml, prefix?}:
// create or replace a custom artifact (ARTIFACT_WRITER; the service also checks
// SERVER_ARTIFACT_WRITER for server types). Invalid YAML answers 400 with every diagnostic.
import { lineCol } from "@/engine/vql/ast/positions";
import { getEngine } from "../../_server/engine";
import { json, readJsonObject, str, withPrincipal } from "../../_server/respond";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const url = new URL(req.url);
    const artifacts = await getEngine().artifacts.list(p, {
      search: url.searchParams.get("search") ?? "",
      type: url.searchParams.get("type") ?? "",
      limit: Number(url.searchParams.get("limit")) || undefined,
    });
    return json({ artifacts });
  });
}

export function POST(req: Request) {
  return withPrincipal("ARTIFACT_WRITER", async (p) => {
    const body = await readJsonObject(req);
    const yaml = str(body, "yaml");
    const prefix = body.prefix === undefined ? undefined : str(body, "prefix");
    const engine = getEngine();
    const check = engine.artifacts.validate(yaml, { prefix });
    const errors = check.diagnostics.filter((d) => d.severity === "error");
    if (errors.length) {
      const diagnostics = check.diagnostics.map((d) => ({ ...d, ...lineCol(yaml, d.span.start) }));
      const first = diagnostics.find((d) => d.severity === "error")!;
      return json({ error: "bad_request", message: `line ${first.line}:${first.col}: ${first.message}`, diagnostics }, 400);
    }
    const artifact = await engine.artifacts.set(p, yaml, { prefix });
    return json({ artifact }, 201);
  });
}
