"use client";
// Editing a custom artifact: the YAML editor with live checks, the list of problems under it,
// and Save (disabled while any error remains). Any valid name saves, as in Velociraptor, except
// a built-in's: that problem offers to rename the artifact to its `Custom.` override. Saving
// posts the YAML; the server checks it again, with the writer permission for the artifact's type.
import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useCallback, useMemo, useState } from "react";
import { lineCol } from "@/engine/vql/ast/positions";
import { lintChecker, loadArtifact, withName, type Diagnostic, type LoadOptions } from "@/engine/artifacts";
import type { DescriptorLike } from "@/engine/vql/analysis";
import { PERMISSIONS } from "@/engine";
import { callApi } from "../api";

const YamlEditor = dynamic(() => import("./yaml-editor"), {
  ssr: false,
  loading: () => <p className="muted">Loading the editor…</p>,
});

export interface ArtifactEditorProps {
  initialYaml: string;
  /** Names of existing artifacts (for imports and Artifact.X() calls). */
  knownNames: string[];
  /** Names of the built-ins, which a custom artifact cannot take. */
  builtinNames: string[];
  /** The server's builtins, for unknown function/plugin/argument warnings. */
  descriptors: DescriptorLike[];
  canWrite: boolean;
  /** A prefix the name must have (none by default). */
  prefix?: string;
}

/** The prefix of a built-in's override (the repository's, `Custom.`). */
const OVERRIDE_PREFIX = "Custom.";

export function ArtifactEditor({ initialYaml, knownNames, builtinNames, descriptors, canWrite, prefix }: ArtifactEditorProps) {
  const router = useRouter();
  const [yaml, setYaml] = useState(initialYaml);
  const [diagnostics, setDiagnostics] = useState<Diagnostic[] | null>(null);
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const known = useMemo(() => new Set(knownNames), [knownNames]);
  const builtins = useMemo(() => new Set(builtinNames), [builtinNames]);
  const loadOptions: LoadOptions = useMemo(
    () => ({
      requirePrefix: prefix,
      isBuiltinName: (n: string) => builtins.has(n),
      overridePrefix: OVERRIDE_PREFIX,
      knownPermissions: PERMISSIONS,
      isKnownArtifact: (n: string) => known.has(n),
      checkVql: lintChecker(descriptors),
    }),
    [known, builtins, prefix, descriptors],
  );
  const onDiagnostics = useCallback((ds: Diagnostic[]) => setDiagnostics(ds), []);

  const errors = diagnostics?.filter((d) => d.severity === "error").length ?? 0;
  const canSave = canWrite && diagnostics !== null && errors === 0 && !saving;

  async function save() {
    setSaving(true);
    setMessage(null);
    try {
      const res = await callApi<{ artifact: { name: string } }>("POST", "/api/artifacts", prefix === undefined ? { yaml } : { yaml, prefix });
      router.push(`/artifacts/${encodeURIComponent(res.artifact.name)}`);
      router.refresh();
    } catch (err) {
      setMessage({ kind: "error", text: (err as Error).message });
      setSaving(false);
    }
  }

  return (
    <div className="art-edit">
      {message ? (
        <p className={message.kind === "error" ? "notice error" : "notice"} role={message.kind === "error" ? "alert" : "status"} data-testid="artifact-save-message">
          {message.text}
        </p>
      ) : null}
      <YamlEditor value={yaml} onChange={setYaml} onDiagnostics={onDiagnostics} loadOptions={loadOptions} />
      <div className="row art-edit-bar">
        <button type="button" className="primary" disabled={!canSave} onClick={save} data-testid="artifact-save">
          {saving ? "Saving…" : "Save"}
        </button>
        <span className="muted" data-testid="artifact-problem-count">
          {diagnostics === null ? "checking…" : errors ? `${errors} error${errors > 1 ? "s" : ""}: fix them to save` : diagnostics.length ? `${diagnostics.length} warning${diagnostics.length > 1 ? "s" : ""}` : "no problems"}
        </span>
        {!canWrite ? <span className="notice error">Your role cannot save artifacts (ARTIFACT_WRITER).</span> : null}
      </div>
      {diagnostics?.length ? (
        <ul className="art-problems" aria-label="Problems">
          {diagnostics.map((d, i) => {
            const p = lineCol(yaml, d.span.start);
            return (
              <li key={i} className={d.severity} data-testid="artifact-problem">
                <span className="art-pos">{p.line}:{p.col}</span> <span className={`chip ${d.severity === "error" ? "off" : ""}`}>{d.severity}</span> {d.message}{" "}
                <span className="muted">{d.code}</span>
                {d.code === "ART2005" ? <> <OverrideButton yaml={yaml} onRename={setYaml} /></> : null}
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}

/** For a built-in's name: rename the artifact to its `Custom.` override (only the name changes). */
function OverrideButton({ yaml, onRename }: { yaml: string; onRename(yaml: string): void }) {
  const name = loadArtifact(yaml, { skipVql: true }).artifact?.name;
  if (!name) return null;
  const override = OVERRIDE_PREFIX + name;
  return (
    <button type="button" onClick={() => onRename(withName(yaml, override))} data-testid="artifact-use-override">
      Rename to {override}
    </button>
  );
}
