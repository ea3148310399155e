// Velociraptor's serial mode (services/launcher): a CLIENT or SERVER artifact whose sources have
// no preconditions of their own (an artifact-level one is fine) runs its sources in order in one
// scope, so a LET of an earlier source is visible in later ones (Generic.Collectors.File's
// Uploads source reads the `all_results` its first source defined). Talon runs each source as a
// query of its own, so each source gets the LET statements of the sources before it in front.
// A materialised LET (`<=`) is evaluated again in each later source that uses it, where
// Velociraptor evaluates it once (docs/vql-differences.md). Event artifacts and artifacts with
// source preconditions run in parallel mode: separate scopes, nothing added.
import { parse } from "../vql";
import type { Artifact } from "./types";

export function isSerial(a: Pick<Artifact, "type" | "sources">): boolean {
  const withQuery = a.sources.filter((s) => s.query);
  return (a.type === "CLIENT" || a.type === "SERVER") && withQuery.length > 1 && !withQuery.some((s) => s.precondition);
}

/** The LET statements of a query text, as written, in order. */
function letsOf(text: string): string[] {
  const { statements } = parse(text);
  return statements.filter((s) => s.kind === "let").map((s) => text.slice(s.span.start, s.span.end));
}

/** Per source with a query (in order): what the sources before it define, to put in front ("" when nothing). */
export function serialLets(a: Pick<Artifact, "type" | "sources">): string[] {
  const withQuery = a.sources.filter((s) => s.query);
  if (!isSerial(a)) return withQuery.map(() => "");
  const out: string[] = [];
  const seen: string[] = [];
  for (const s of withQuery) {
    out.push(seen.join("\n"));
    seen.push(...letsOf(s.query!.text));
  }
  return out;
}
