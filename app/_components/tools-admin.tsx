"use client";
// The tool inventory's table, and for administrators per tool: upload its file (PUT, the file
// as the body; served locally, the server computes the sha256) or set a url and the sha256
// agents check. Every value comes from artifacts or admins and is shown as text, never markup.
import type { FormEvent } from "react";
import { callApi } from "./api";
import { useAdminAction } from "./use-admin-action";

export interface ToolRowView {
  name: string;
  version: string;
  url: string;
  githubProject: string;
  serveLocally: boolean;
  adminOverride: boolean;
  expectedHash: string;
  artifact: string;
  serveUrl: string;
  filename: string;
  hash: string;
  size: number | null;
  updatedBy: string;
  updatedAt: string | null;
}

const key = (t: { name: string; version: string }) => (t.version ? `${t.name}@${t.version}` : t.name);

function deliverable(t: ToolRowView): string {
  if (t.serveLocally) return t.size !== null ? "served by this server" : "served locally, but no file uploaded yet";
  if (t.url) return "fetched from its URL";
  return t.githubProject ? `GitHub project ${t.githubProject} (not resolved by Talon): set a URL or upload the file` : "no file and no URL";
}

async function putFile(t: ToolRowView, file: File): Promise<void> {
  const q = new URLSearchParams();
  if (t.version) q.set("version", t.version);
  const res = await fetch(`/api/tools/${encodeURIComponent(t.name)}/file${q.size ? `?${q}` : ""}`, {
    method: "PUT",
    headers: { "Content-Type": "application/octet-stream" },
    body: file,
    credentials: "same-origin",
  });
  if (!res.ok) {
    const data = (await res.json().catch(() => undefined)) as { message?: string } | undefined;
    throw new Error(data?.message ?? `${res.status} ${res.statusText}`);
  }
}

export function ToolsAdmin({ tools, canEdit, maxBytes }: { tools: ToolRowView[]; canEdit: boolean; maxBytes: number }) {
  const { message, setMessage, busy, act } = useAdminAction();


  function onUpload(e: FormEvent<HTMLFormElement>, t: ToolRowView) {
    e.preventDefault();
    const form = e.currentTarget;
    const file = (form.elements.namedItem("file") as HTMLInputElement | null)?.files?.[0];
    if (!file) return setMessage({ kind: "error", text: "Choose a file first" });
    if (file.size > maxBytes) return setMessage({ kind: "error", text: `A tool's file is at most ${maxBytes / (1024 * 1024)} MiB` });
    void act(async () => {
      await putFile(t, file);
      form.reset();
    }, `Uploaded the file of ${key(t)}`);
  }

  function onSetUrl(e: FormEvent<HTMLFormElement>, t: ToolRowView) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const url = String(data.get("url") ?? "").trim();
    const hash = String(data.get("hash") ?? "").trim();
    void act(async () => {
      await callApi("POST", "/api/tools", { tool: t.name, ...(t.version ? { version: t.version } : {}), url, ...(hash ? { hash } : {}) });
      form.reset();
    }, `Set the URL of ${key(t)}`);
  }

  return (
    <div>
      {message ? (
        <p className={message.kind === "error" ? "notice error" : "notice"} role={message.kind === "error" ? "alert" : "status"} data-testid="tools-message">
          {message.text}
        </p>
      ) : null}
      {tools.length === 0 ? (
        <p className="muted">No tools yet: they are added when an artifact declaring them is loaded, or with inventory_add().</p>
      ) : (
        <table className="data" data-testid="tools-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Version</th>
              <th>Filename</th>
              <th>SHA-256</th>
              <th>Serve locally</th>
              <th>URL</th>
              <th>Artifact</th>
              <th>Admin override</th>
              <th>Updated</th>
              {canEdit ? <th>Set the file or URL</th> : null}
            </tr>
          </thead>
          <tbody>
            {tools.map((t) => (
              <tr key={key(t)} data-testid={`tool-row-${key(t)}`}>
                <td data-testid="tool-name">{t.name}</td>
                <td>{t.version}</td>
                <td>
                  <code>{t.filename}</code>
                  {t.size !== null ? <div className="muted">{t.size} bytes</div> : null}
                </td>
                <td>
                  <code data-testid="tool-hash" style={{ wordBreak: "break-all" }}>
                    {t.hash}
                  </code>
                  {t.expectedHash && t.expectedHash !== t.hash ? <div className="muted">artifact pins {t.expectedHash}</div> : null}
                </td>
                <td data-testid="tool-serve-locally">{t.serveLocally ? "yes" : "no"}</td>
                <td>
                  <code style={{ wordBreak: "break-all" }} data-testid="tool-url">
                    {t.url}
                  </code>
                  <div className="muted" data-testid="tool-delivery">
                    {deliverable(t)}
                  </div>
                </td>
                <td data-testid="tool-artifact">{t.artifact}</td>
                <td data-testid="tool-override">{t.adminOverride ? "yes" : "no"}</td>
                <td>
                  {t.updatedBy ? `${t.updatedBy} · ` : ""}
                  {t.updatedAt ? new Date(t.updatedAt).toLocaleString() : ""}
                </td>
                {canEdit ? (
                  <td>
                      <form onSubmit={(e) => onUpload(e, t)} aria-label={`Upload the file of ${key(t)}`} data-testid="tool-upload-form">
                        <input type="file" name="file" aria-label={`File for ${key(t)}`} data-testid="tool-upload-file" />
                        <button type="submit" disabled={busy} data-testid="tool-upload">
                          Upload
                        </button>
                      </form>
                      <form onSubmit={(e) => onSetUrl(e, t)} aria-label={`Set the URL of ${key(t)}`} data-testid="tool-url-form" autoComplete="off">
                        <input name="url" type="url" required placeholder="https://…" aria-label={`URL for ${key(t)}`} data-testid="tool-url-input" />
                        <input name="hash" pattern="[0-9A-Fa-f]{64}" placeholder="expected sha256" aria-label={`Expected sha256 for ${key(t)}`} data-testid="tool-hash-input" />
                        <button type="submit" disabled={busy} data-testid="tool-url-set">
                          Set URL
                        </button>
                      </form>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
