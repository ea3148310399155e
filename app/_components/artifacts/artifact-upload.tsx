"use client";
// Upload a YAML file or a zip pack of them; shows what was imported and what was not.
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";

interface ImportResult {
  files: Array<{ file: string; name?: string; renamedFrom?: string; ok: boolean; errors: string[] }>;
}

export function ArtifactUpload() {
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function upload(file: File) {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const form = new FormData();
      form.set("file", file);
      const res = await fetch("/api/artifacts/import", { method: "POST", body: form, credentials: "same-origin" });
      const data = await res.json().catch(() => ({}));
      if (!res.ok) throw new Error(data.message ?? `${res.status} ${res.statusText}`);
      setResult(data as ImportResult);
      router.refresh();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
      if (input.current) input.current.value = "";
    }
  }

  return (
    <div className="art-upload">
      <label className="button">
        {busy ? "Uploading…" : "Upload YAML or zip"}
        <input
          ref={input}
          type="file"
          accept=".yaml,.yml,.zip"
          hidden
          data-testid="artifact-upload"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void upload(f);
          }}
        />
      </label>
      {error ? (
        <p className="notice error" role="alert">
          {error}
        </p>
      ) : null}
      {result ? (
        <ul className="notice art-import" role="status" data-testid="artifact-import-result">
          {result.files.map((f) => (
            <li key={f.file} className={f.ok ? "" : "error"}>
              {f.ok ? "Imported" : "Not imported"} {f.name ?? f.file}
              {f.renamedFrom ? ` (from ${f.renamedFrom})` : ""}
              {f.errors.length ? `: ${f.errors.join("; ")}` : ""}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
