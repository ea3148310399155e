// What a collection runs: an artifact turned into self-contained VQL per source (imports'
// exports and the artifact's own export in front, the artifact-level precondition applied to
// every source that has none), and parameter values turned into typed scope variables.
// Flows, hunts and the Artifact.X() plugin share these, so a collection and a VQL call agree.
import { artifactMessage } from "./diagnostics";
import { coerceParameter, parameterKind } from "./parameters";
import { serialLets } from "./serial";
import type { Artifact, ArtifactType } from "./types";

export interface CompiledSource {
  /** "" for an unnamed source. */
  name: string;
  /** Results are stored under this name: `Artifact` or `Artifact/Source`. */
  resultName: string;
  /** VQL whose first row (if any) lets the source run; undefined = always runs. */
  precondition?: string;
  /** The query with the exports it needs in front. */
  query: string;
}

export interface CompiledArtifact {
  name: string;
  type: ArtifactType;
  sources: CompiledSource[];
}

/**
 * What a source needs in front: the typed LETs of its timestamp and upload parameters, each
 * import's export, then the artifact's own. Values reach the agent as JSON, where a timestamp is
 * its RFC3339 text; `LET X <= timestamp(epoch=X)` turns it back into a time there (as
 * Velociraptor's launcher does for every timestamp parameter) and leaves a time as it is.
 */
export function preludeOf(a: Artifact, lookup: (name: string) => Artifact | undefined): string {
  return [...parameterLets(a), ...a.imports.map((i) => lookup(i)?.export?.text ?? ""), a.export?.text ?? ""].filter((t) => t.trim()).join("\n");
}

/** A `data:` URL carrying base64 (what the parameter form's file picker sends). */
const DATA_URL = "'^data:[^,]*;base64,'";
/** An http(s) URL: fetched with http_client, as Velociraptor's launcher does. */
const HTTP_URL = "'^https?://'";

/**
 * The LETs that give each parameter its run-time form:
 * - timestamp: `LET X <= timestamp(epoch=X)`;
 * - upload: the file's content (Velociraptor: "the upload content will be available in this
 *   variable"); the form sends it as a base64 `data:` URL, decoded here to its exact bytes;
 * - upload_file: the path of a temporary file holding that content, removed when the query ends.
 * An http(s) URL is fetched where the query runs, as Velociraptor's launcher has it: `upload`
 * becomes the response body, `upload_file` a temporary file holding it (http_client's
 * tempfile_extension); the fetch goes through the endpoint's outbound policy. Any other value
 * (a path typed by hand) is left as it is.
 */
export function parameterLets(a: Pick<Artifact, "parameters">): string[] {
  const name = (n: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(n) ? n : `\`${n.replace(/`/g, "")}\``);
  const decoded = (n: string) => `base64decode(string=regex_replace(source=${n}, re=${DATA_URL}, replace=''))`;
  const lets: string[] = [];
  for (const p of a.parameters) {
    const n = name(p.name);
    const type = p.type.toLowerCase();
    if (parameterKind(p.type) === "timestamp") lets.push(`LET ${n} <= timestamp(epoch=${n})`);
    else if (type === "upload" || type === "upload_file") {
      // A stored query, evaluated only for a URL (and before X is rebound).
      const fetch = name(`_TalonFetch_${p.name.replace(/[^A-Za-z0-9_]/g, "_")}`);
      const toFile = type === "upload_file" ? ", tempfile_extension='.tmp'" : "";
      lets.push(`LET ${fetch} = SELECT Content FROM http_client(url=${n}${toFile})`);
      const data = type === "upload" ? decoded(n) : `tempfile(data=${decoded(n)})`;
      lets.push(`LET ${n} <= if(condition=${n} =~ ${DATA_URL}, then=${data}, else=if(condition=${n} =~ ${HTTP_URL}, then=${fetch}[0].Content, else=${n}))`);
    }
  }
  return lets;
}

export function compileArtifact(a: Artifact, lookup: (name: string) => Artifact | undefined): CompiledArtifact {
  const prelude = preludeOf(a, lookup);
  const withPrelude = (text: string) => (prelude ? `${prelude}\n${text}` : text);
  const sources: CompiledSource[] = [];
  const earlier = serialLets(a);
  for (const s of a.sources) {
    if (!s.query) continue;
    const pre = s.precondition?.text ?? a.precondition?.text;
    const lets = earlier[sources.length];
    const c: CompiledSource = { name: s.name, resultName: s.name ? `${a.name}/${s.name}` : a.name, query: withPrelude(lets ? `${lets}\n${s.query.text}` : s.query.text) };
    if (pre) c.precondition = withPrelude(pre);
    sources.push(c);
  }
  return { name: a.name, type: a.type, sources };
}

/** `warnings`: values that did not convert and became NULL (to log; the run goes on). */
export type ResolvedParameters = { ok: true; env: Record<string, unknown>; warnings: string[] } | { ok: false; error: string };

/**
 * Scope variables for a run: each declared parameter from `given` (string forms or typed
 * values) or its default, converted to its type. Undeclared names are refused, and so are
 * words for a number; JSON or a time that does not parse is NULL with a warning.
 */
export function resolveParameters(a: Artifact, given: Record<string, unknown> = {}): ResolvedParameters {
  const declared = new Set(a.parameters.map((p) => p.name));
  for (const k of Object.keys(given)) {
    if (!declared.has(k)) return { ok: false, error: artifactMessage("ART3003", [k, a.name, ""]) };
  }
  const env: Record<string, unknown> = {};
  const warnings: string[] = [];
  for (const p of a.parameters) {
    const raw = given[p.name] !== undefined ? given[p.name] : p.default;
    const c = coerceParameter(p, raw);
    if (!c.ok) return { ok: false, error: artifactMessage("ART3004", [p.name, a.name, c.expected, c.reason]) };
    if (c.warning) warnings.push(`${a.name}: parameter \`${p.name}\` is NULL: ${c.warning}`);
    env[p.name] = c.value;
  }
  return { ok: true, env, warnings };
}
