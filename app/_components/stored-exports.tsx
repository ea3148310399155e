"use client";
// Exports stored on the server for a flow or a hunt (create_flow_download() and
// create_hunt_download() write them, e.g. Server.Utils.ExportHunt): one download link per
// complete file under the prefix, from /api/file-store; nothing when there are none.
import { useEffect, useState } from "react";
import { callApi } from "./api";

interface StoredFile {
  path: string;
  size: number;
  complete: boolean;
  createdBy: string;
  createdAt: string;
}

export function StoredExports({ prefix }: { prefix: string }) {
  const [files, setFiles] = useState<StoredFile[]>([]);
  useEffect(() => {
    callApi<{ files: StoredFile[] }>("GET", `/api/file-store?prefix=${encodeURIComponent(prefix)}`).then(
      (r) => setFiles(r.files.filter((f) => f.complete)),
      () => setFiles([]),
    );
  }, [prefix]);
  if (!files.length) return null;
  return (
    <>
      {files.map((f) => (
        <a
          key={f.path}
          className="button"
          href={`/api/file-store/download?path=${encodeURIComponent(f.path)}`}
          download
          title={`Stored on the server by ${f.createdBy} at ${f.createdAt} (${f.size} bytes)`}
          data-testid="stored-export"
        >
          {f.path.split("/").pop()}
        </a>
      ))}
    </>
  );
}
