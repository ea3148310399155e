// An artifact's `tools:` section (Velociraptor's Tool definitions: name, url, github_project,
// github_asset_regex, serve_locally, expected_hash, version, filename), read from the fields the
// loader keeps as written (`extra.tools`). Entries without a name are skipped; values that are
// not of the field's type are dropped, so a definition is always well-formed for the inventory.
import type { Artifact } from "./types";

export interface ArtifactTool {
  name: string;
  url?: string;
  githubProject?: string;
  githubAssetRegex?: string;
  serveLocally?: boolean;
  expectedHash?: string;
  version?: string;
  filename?: string;
}

const text = (v: unknown): string | undefined => (typeof v === "string" ? v.trim() : typeof v === "number" ? String(v) : undefined);
const flag = (v: unknown): boolean | undefined => (typeof v === "boolean" ? v : typeof v === "string" ? /^(y|yes|true|1)$/i.test(v.trim()) : undefined);

/** The tools an artifact declares, in order (a later entry of the same name and version replaces an earlier one). */
export function artifactTools(a: Pick<Artifact, "extra">): ArtifactTool[] {
  const raw = a.extra?.tools;
  if (!Array.isArray(raw)) return [];
  const out = new Map<string, ArtifactTool>();
  for (const item of raw) {
    if (!item || typeof item !== "object" || Array.isArray(item)) continue;
    const o = item as Record<string, unknown>;
    const name = text(o.name);
    if (!name) continue;
    const t: ArtifactTool = { name };
    const set = <K extends keyof ArtifactTool>(k: K, v: ArtifactTool[K] | undefined) => {
      if (v !== undefined && v !== "") t[k] = v;
    };
    set("url", text(o.url));
    set("githubProject", text(o.github_project));
    set("githubAssetRegex", text(o.github_asset_regex));
    set("serveLocally", flag(o.serve_locally));
    set("expectedHash", text(o.expected_hash)?.toLowerCase());
    set("version", text(o.version));
    set("filename", text(o.filename));
    out.set(`${name}\u0000${t.version ?? ""}`, t);
  }
  return [...out.values()];
}

/** The tools of several artifacts (a collection's and those it calls), first definition of a name and version wins. */
export function toolsOfAll(artifacts: ReadonlyArray<Pick<Artifact, "extra">>): ArtifactTool[] {
  const out = new Map<string, ArtifactTool>();
  for (const a of artifacts) for (const t of artifactTools(a)) if (!out.has(`${t.name}\u0000${t.version ?? ""}`)) out.set(`${t.name}\u0000${t.version ?? ""}`, t);
  return [...out.values()];
}
