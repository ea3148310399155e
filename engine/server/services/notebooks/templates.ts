// Notebook templates: the plain-text files in notebooks/ (one notebook each, file name = id).
// Read at each call (they are small and few) so an edited template is picked up without restart.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parsePlainNotebook, type PlainNotebook } from "@/engine/notebooks/plain-text";
import { ServiceError } from "@/engine/server/contracts";
import type { TemplateSummary } from "@/engine/server/contracts/notebooks";

const ID = /^[a-z0-9][a-z0-9-]*$/;

export async function listTemplates(dir: string): Promise<TemplateSummary[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith(".md")).sort();
  } catch {
    return [];
  }
  const out: TemplateSummary[] = [];
  for (const f of files) {
    const id = f.slice(0, -3);
    if (!ID.test(id)) continue;
    const { notebook } = parsePlainNotebook(await readFile(join(dir, f), "utf8"));
    out.push({ id, name: notebook.name, description: notebook.description, parameters: notebook.parameters });
  }
  // The blank notebook first, then by name.
  return out.sort((a, b) => (a.id === "blank" ? -1 : b.id === "blank" ? 1 : a.name.localeCompare(b.name)));
}

export async function loadTemplate(dir: string, id: string): Promise<PlainNotebook> {
  if (!ID.test(id)) throw new ServiceError("bad_request", `no template named ${id}`);
  let text: string;
  try {
    text = await readFile(join(dir, `${id}.md`), "utf8");
  } catch {
    throw new ServiceError("bad_request", `no template named ${id}`);
  }
  const { notebook, problems } = parsePlainNotebook(text);
  if (problems.length) throw new ServiceError("bad_request", `template ${id} line ${problems[0]!.line}: ${problems[0]!.message}`);
  return notebook;
}
