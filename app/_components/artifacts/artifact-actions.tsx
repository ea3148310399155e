"use client";
// Actions on one artifact's page: edit (a built-in opens as its Custom. copy), download,
// rename and delete (custom artifacts only, writers only).
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "../api";

export function ArtifactActions({ name, builtIn, canWrite }: { name: string; builtIn: boolean; canWrite: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const enc = encodeURIComponent(name);

  async function act(fn: () => Promise<void>) {
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <div className="row art-actions">
      {canWrite ? (
        <Link className="button primary" href={`/artifacts/${enc}/edit`} data-testid="artifact-edit">
          {builtIn ? "Edit a custom copy" : "Edit"}
        </Link>
      ) : null}
      <a className="button" href={`/api/artifacts/${enc}/download`} download data-testid="artifact-download">
        Download YAML
      </a>
      {canWrite && !builtIn ? (
        <>
          <button
            type="button"
            onClick={() =>
              act(async () => {
                const to = window.prompt("New name", name);
                if (!to || to === name) return;
                await callApi("POST", `/api/artifacts/${enc}/rename`, { to });
                router.push(`/artifacts/${encodeURIComponent(to)}`);
                router.refresh();
              })
            }
          >
            Rename
          </button>
          <button
            type="button"
            className="danger"
            data-testid="artifact-delete"
            onClick={() =>
              act(async () => {
                if (!window.confirm(`Delete ${name}? Its history is kept.`)) return;
                await callApi("DELETE", `/api/artifacts/${enc}`);
                router.push("/artifacts");
                router.refresh();
              })
            }
          >
            Delete
          </button>
        </>
      ) : null}
      {error ? (
        <p className="notice error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
