// GET /api/vql/completions: builtin descriptors (name, kind, doc, args with docs, permissions,
// platforms) of the server and of the builtins only endpoints run, and artifact names with
// parameters, for the editor's completion, hover, signature help and lint. Any signed-in reader.
import { json, withPrincipal } from "@/app/_server/respond";
import { artifactEntries, builtinDescriptors, endpointOnlyDescriptors } from "@/app/_server/vql-catalog";

export const dynamic = "force-dynamic";

export function GET() {
  return withPrincipal("READ_RESULTS", async () => json({ builtins: builtinDescriptors(), endpointBuiltins: endpointOnlyDescriptors(), artifacts: artifactEntries() }));
}
