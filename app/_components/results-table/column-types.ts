"use client";
// The column types a cell's table is rendered with: the column_types of the artifact its SELECT
// reads (`FROM Artifact.X()`, `FROM source(artifact="X")`, `FROM X` where X is a LET of one
// of those is not followed). Artifact column types come with the editor's catalogue.
import { useEffect, useMemo, useState } from "react";
import { parse } from "@/engine/vql/parser";
import type { Statement } from "@/engine/vql/ast/types";
import { currentCatalog, loadCatalog, type ArtifactEntry } from "../monaco/vql-catalog";

/** The artifact name a SELECT reads its rows from, when the FROM names one. */
export function artifactOfSelect(s: Statement): string | undefined {
  if (s.kind !== "select") return undefined;
  const from = s.from;
  if (from.name[0]?.name === "Artifact" && from.name.length > 1) return from.name.slice(1).map((n) => n.name).join(".");
  if (from.path === "source" || from.path === "hunt_results") {
    const a = from.args.find((x) => x.name.name === "artifact");
    if (a?.value.kind === "string") return a.value.value.split("/")[0];
  }
  return undefined;
}

/** Column types per SELECT of `input` (by table index), from the artifacts' column_types. */
export function columnTypesOf(input: string, artifacts: readonly Pick<ArtifactEntry, "name" | "columnTypes">[]): Array<Record<string, string> | undefined> {
  const byName = new Map(artifacts.map((a) => [a.name, a.columnTypes]));
  const selects = parse(input).statements.filter((s) => s.kind === "select");
  return selects.map((s) => {
    const name = artifactOfSelect(s);
    if (!name) return undefined;
    // `Artifact.A.B.Source()` names a source: try the name without its last part too.
    return byName.get(name) ?? byName.get(name.split(".").slice(0, -1).join("."));
  });
}

/** columnTypesOf() with the catalogue (loaded once per page). */
export function useColumnTypes(input: string): Array<Record<string, string> | undefined> {
  const [artifacts, setArtifacts] = useState(() => currentCatalog()?.artifacts ?? []);
  useEffect(() => {
    let live = true;
    void loadCatalog().then((c) => live && setArtifacts(c.artifacts));
    return () => {
      live = false;
    };
  }, []);
  return useMemo(() => (/\bArtifact\.|source\s*\(|hunt_results\s*\(/.test(input) ? columnTypesOf(input, artifacts) : []), [input, artifacts]);
}
