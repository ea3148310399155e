"use client";
// One file of the Files tab: its size, mode, type and times from the cached listing, its SHA-256
// once downloaded, "Download" (a System.VFS.DownloadFile collection, followed until the cache
// records it) and then a link that serves the stored bytes.
import { useCallback, useEffect, useState } from "react";
import { callApi } from "../api";
import { bytes } from "./format";
import { utc, type VfsDownload, type VfsEntry } from "./files-types";
import { useVfsFlow } from "./use-vfs-flow";

export function FileDetails({ clientId, path, canCollect, onClose }: { clientId: string; path: string; canCollect: boolean; onClose(): void }) {
  const [entry, setEntry] = useState<VfsEntry | null>(null);
  const [download, setDownload] = useState<VfsDownload | null>(null);
  const [error, setError] = useState("");
  const load = useCallback(async () => {
    try {
      const r = await callApi<{ entry: VfsEntry | null; download: VfsDownload | null }>("GET", `/api/clients/${clientId}/vfs/stat?path=${encodeURIComponent(path)}`);
      setEntry(r.entry);
      setDownload(r.download);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [clientId, path]);
  useEffect(() => {
    void load();
  }, [load]);
  const flow = useVfsFlow(clientId, () => void load());
  const fileUrl = `/api/clients/${clientId}/vfs/file?path=${encodeURIComponent(path)}`;

  return (
    <section className="panel file-details" data-testid="file-details" aria-label={`Details of ${path}`}>
      <div className="flow-head">
        <h3 className="mono">{path}</h3>
        <button type="button" onClick={onClose} aria-label="close details">
          Close
        </button>
      </div>
      {entry ? (
        <dl className="facts">
          <dt>Type</dt>
          <dd>{entry.isLink ? "symbolic link" : entry.isDir ? "directory" : "file"}</dd>
          <dt>Size</dt>
          <dd data-testid="file-size" data-bytes={entry.size}>
            {entry.size.toLocaleString()} bytes{entry.size >= 1024 ? ` (${bytes(entry.size)})` : ""}
          </dd>
          <dt>Mode</dt>
          <dd className="mono">{entry.mode}</dd>
          <dt>Modified</dt>
          <dd>{utc(entry.mtime)}</dd>
          <dt>Accessed</dt>
          <dd>{utc(entry.atime)}</dd>
          <dt>Changed</dt>
          <dd>{utc(entry.ctime)}</dd>
          <dt>Born</dt>
          <dd>{utc(entry.btime)}</dd>
          <dt>SHA-256</dt>
          <dd className="mono" data-testid="file-sha256">
            {download ? download.sha256 : <span className="muted">not downloaded</span>}
          </dd>
        </dl>
      ) : (
        <p className="muted">Not in the cached listing.</p>
      )}
      <div className="flow-actions">
        {canCollect && !entry?.isDir ? (
          <button type="button" className="primary" disabled={flow.busy} onClick={() => void flow.follow(() => callApi("POST", `/api/clients/${clientId}/vfs/download`, { path }))} data-testid="file-download">
            {flow.busy ? "Downloading…" : download ? "Download again" : "Download"}
          </button>
        ) : null}
        {download ? (
          <a className="button" href={fileUrl} download data-testid="file-save">
            Save file ({download.size.toLocaleString()} bytes, {utc(download.downloadedAt)})
          </a>
        ) : null}
        {flow.progress && flow.busy ? <span className="muted">{flow.progress.state.toLowerCase()}</span> : null}
      </div>
      {flow.error || error ? <p className="error">{flow.error || error}</p> : null}
    </section>
  );
}
