// POST /api/artifacts/import: multipart form with `file` (a .yaml or a .zip pack) and optional
// `prefix`. Answers which files were imported and why others were not (ARTIFACT_WRITER).
import { getEngine } from "@/app/_server/engine";
import { BadRequest, json, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function POST(req: Request) {
  return withPrincipal("ARTIFACT_WRITER", async (p) => {
    let form: FormData;
    try {
      form = await req.formData();
    } catch {
      throw new BadRequest("send the file as multipart/form-data in a field named `file`");
    }
    const file = form.get("file");
    if (!file || typeof file === "string") throw new BadRequest("send the file in a field named `file`");
    const prefix = form.get("prefix");
    const data = new Uint8Array(await file.arrayBuffer());
    const result = await getEngine().artifacts.importPack(p, { filename: file.name || "upload.yaml", data }, { prefix: typeof prefix === "string" && prefix ? prefix : undefined });
    return json(result);
  });
}
