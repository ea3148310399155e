// GET /api/artifacts?search=&type=&limit=: summaries (READ_RESULTS). POST /api/artifacts {yaml, prefix?}:
// create or replace a custom artifact (ARTIFACT_WRITER; the service also checks
// SERVER_ARTIFACT_WRITER for server types). Invalid YAML answers 400 with every diagnostic.
import { lineCol } from "@/engine/vql/ast/positions";
import { getEngine } from "@/app/_server/engine";
import { json, readBody, readQuery, withPrincipal } from "@/app/_server/respond";
import { ArtifactListQuery, SetArtifact } from "./schemas";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const artifacts = await getEngine().artifacts.list(p, readQuery(req, ArtifactListQuery));
    return json({ artifacts });
  });
}

export function POST(req: Request) {
  return withPrincipal("ARTIFACT_WRITER", async (p) => {
    const { yaml, prefix } = await readBody(req, SetArtifact);
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
