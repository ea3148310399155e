// Artifact YAML files on disk: walk files and folders for `*.yaml`/`*.yml`, and the built-in
// definitions folder (artifacts/definitions, path mirrors the dotted name). Reading only.
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

export interface ArtifactFile {
  /** The path as given or found (for messages). */
  path: string;
  text: string;
}

/** The repository's built-in definitions folder. */
export const BUILTIN_DEFINITIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../artifacts/definitions");

const YAML_FILE = /\.ya?ml$/i;

/** Every YAML file under the given files and folders, sorted by path within each folder. */
export async function readArtifactFiles(paths: readonly string[]): Promise<ArtifactFile[]> {
  const out: ArtifactFile[] = [];
  for (const p of paths) {
    const s = await stat(p);
    if (s.isDirectory()) {
      for (const f of await walk(p)) out.push({ path: f, text: await readFile(f, "utf8") });
    } else {
      out.push({ path: p, text: await readFile(p, "utf8") });
    }
  }
  return out;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile() && YAML_FILE.test(e.name)) out.push(p);
  }
  return out;
}

/** `Linux/Sys/Pslist.yaml` under `root` → `Linux.Sys.Pslist`. */
export function nameFromPath(root: string, file: string): string {
  return relative(root, file).replace(YAML_FILE, "").split(sep).join(".");
}
