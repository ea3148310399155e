"use client";
// A client's Files tab (?tab=files&path=…): the endpoint's directories as the server cached them
// (app/api/clients/[clientId]/vfs): the path as a tree and a breadcrumb, a page of the current
// directory's entries (paged on the server: a directory may hold 100,000), "Refresh" (lists this
// directory), "Recursive refresh" (its tree, with the count of directories listed), a file's
// details with "Download" (file-details.tsx), and "Open in notebook" (a notebook whose cell reads
// the listing with source()).
import { useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { callApi } from "../api";
import { Pager } from "./data-table";
import { FileDetails } from "./file-details";
import { crumbs, utc, type VfsListing, type VfsProgress } from "./files-types";
import { ago, bytes } from "./format";
import { useVfsFlow } from "./use-vfs-flow";
import "./files.css";

const PAGE = 100;
/** Levels below the directory a recursive refresh lists. */
const RECURSIVE_DEPTH = 10;

export function FilesTab({ clientId, canCollect }: { clientId: string; canCollect: boolean }) {
  const router = useRouter();
  const params = useSearchParams();
  const path = params.get("path") || "/";
  const [offset, setOffset] = useState(0);
  const [listing, setListing] = useState<VfsListing | null>(null);
  const [subdirs, setSubdirs] = useState<Array<{ name: string; path: string; listed: boolean }>>([]);
  const [selected, setSelected] = useState("");
  const [typed, setTyped] = useState(path);
  const [finished, setFinished] = useState<{ recursive: boolean; p: VfsProgress } | null>(null);
  const [recursive, setRecursive] = useState(false);
  const [error, setError] = useState("");

  const go = useCallback((p: string) => router.push(`/clients/${clientId}?tab=files&path=${encodeURIComponent(p)}`), [router, clientId]);
  useEffect(() => {
    setOffset(0);
    setSelected("");
    setTyped(path);
    setFinished(null);
    setListing(null);
    setSubdirs([]);
  }, [path]);

  // Answers to an older request (another path or page) are dropped when they arrive late.
  const latest = useRef(0);
  const load = useCallback(async () => {
    const mine = ++latest.current;
    try {
      const q = `path=${encodeURIComponent(path)}`;
      const [l, t] = await Promise.all([
        callApi<VfsListing>("GET", `/api/clients/${clientId}/vfs?${q}&offset=${offset}&limit=${PAGE}`),
        callApi<{ directories: Array<{ name: string; path: string; listed: boolean }> }>("GET", `/api/clients/${clientId}/vfs/tree?${q}`),
      ]);
      if (mine !== latest.current) return;
      setListing(l);
      setSubdirs(t.directories);
      setError("");
    } catch (e) {
      if (mine === latest.current) setError((e as Error).message);
    }
  }, [clientId, path, offset]);
  useEffect(() => {
    void load();
  }, [load]);

  const refresh = useVfsFlow(clientId, (p) => {
    setFinished({ recursive, p });
    void load();
  });
  const start = (depth: number) => {
    setRecursive(depth > 0);
    setFinished(null);
    void refresh.follow(() => callApi("POST", `/api/clients/${clientId}/vfs/refresh`, { path, depth }));
  };
  const openNotebook = async () => {
    try {
      const { notebookId } = await callApi<{ notebookId: string }>("POST", `/api/clients/${clientId}/vfs/notebook`, { path });
      router.push(`/notebooks/${notebookId}`);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const chain = crumbs(path);
  return (
    <div data-testid="files-tab">
      <h2>Files</h2>
      <nav className="crumbs" aria-label="Path" data-testid="files-breadcrumb">
        {chain.map((c, i) => (
          <span key={c.path}>
            {i > 1 ? <span className="muted">/</span> : null}
            <button type="button" onClick={() => go(c.path)} aria-current={c.path === path ? "page" : undefined}>
              {c.name}
            </button>
          </span>
        ))}
      </nav>
      <div className="files-toolbar">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (typed.trim()) go(typed.trim());
          }}
        >
          <input aria-label="Go to path" value={typed} onChange={(e) => setTyped(e.target.value)} data-testid="files-path" />
          <button type="submit">Go</button>
        </form>
        {canCollect ? (
          <>
            <button type="button" className="primary" disabled={refresh.busy} onClick={() => start(0)} data-testid="files-refresh">
              Refresh
            </button>
            <button type="button" disabled={refresh.busy} onClick={() => start(RECURSIVE_DEPTH)} data-testid="files-refresh-recursive">
              Recursive refresh
            </button>
          </>
        ) : null}
        <button type="button" disabled={!listing?.flowId} onClick={() => void openNotebook()} data-testid="files-notebook">
          Open in notebook
        </button>
        <span className="muted" data-testid="files-progress" aria-live="polite">
          {refresh.busy
            ? `${recursive ? "Listing the tree" : "Listing"}… ${refresh.progress ? `${refresh.progress.state.toLowerCase()}, ${refresh.progress.rows.toLocaleString()} entries found` : ""}`
            : finished && finished.p.state === "FINISHED"
              ? `Listed ${finished.p.directories.toLocaleString()} ${finished.p.directories === 1 ? "directory" : "directories"} (${finished.p.rows.toLocaleString()} entries)`
              : ""}
        </span>
      </div>
      {refresh.error || error ? <p className="error">{refresh.error || error}</p> : null}
      <div className="files">
        <nav className="panel files-tree" aria-label="Directory tree" data-testid="files-tree">
          <ul>
            {chain.map((c, i) => (
              <li key={c.path} style={{ paddingLeft: `${i * 0.7}rem` }}>
                <button type="button" onClick={() => go(c.path)} aria-current={c.path === path ? "page" : undefined}>
                  {c.name === "/" ? "/" : `${c.name}/`}
                </button>
              </li>
            ))}
            {subdirs.map((d) => (
              <li key={d.path} style={{ paddingLeft: `${chain.length * 0.7}rem` }}>
                <button type="button" className={d.listed ? "" : "unlisted"} onClick={() => go(d.path)} title={d.listed ? "listed" : "not listed yet"}>
                  {d.name}/
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <div>
          <p className="muted small" data-testid="files-listed">
            {listing?.listedAt ? `${listing.total.toLocaleString()} entries, listed ${ago(listing.listedAt)} (${utc(listing.listedAt)} UTC, flow ${listing.flowId})` : "Not listed yet: Refresh lists it from the endpoint."}
          </p>
          {selected ? <FileDetails key={selected} clientId={clientId} path={selected} canCollect={canCollect} onClose={() => setSelected("")} /> : null}
          <div className="table-scroll">
            <table className="data files-table" data-testid="files-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Type</th>
                  <th>Size</th>
                  <th>Mode</th>
                  <th>Modified</th>
                  <th>Accessed</th>
                  <th>Changed</th>
                </tr>
              </thead>
              <tbody>
                {(listing?.entries ?? []).map((e) => (
                  <tr key={e.path} className={e.path === selected ? "selected" : ""} data-testid={`file-row-${e.name}`} onClick={() => (e.isDir && !e.isLink ? go(e.path) : setSelected(e.path))}>
                    <td className="name mono">
                      <button type="button">{e.isDir ? `${e.name}/` : e.name}</button>
                    </td>
                    <td>{e.isLink ? "link" : e.isDir ? "dir" : "file"}</td>
                    <td className="nowrap" title={`${e.size.toLocaleString()} bytes`}>
                      {e.isDir ? "" : bytes(e.size)}
                    </td>
                    <td className="mono">{e.mode}</td>
                    <td className="nowrap">{utc(e.mtime)}</td>
                    <td className="nowrap">{utc(e.atime)}</td>
                    <td className="nowrap">{utc(e.ctime)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {listing && listing.total > 0 ? <Pager offset={offset} limit={PAGE} total={listing.total} onPage={setOffset} testId="files-pager" /> : null}
        </div>
      </div>
    </div>
  );
}
