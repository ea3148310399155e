"use client";
// The Artifacts list: search by name and description (every word must match), filter by type.
// Filtering happens in the page: the whole list is a few hundred rows at most.
import Link from "next/link";
import { useMemo, useState } from "react";
import { renderInline } from "./markdown";

export interface ArtifactRow {
  name: string;
  type: string;
  summary: string;
  description: string;
  builtIn: boolean;
  overriddenBy?: string;
  updatedBy?: string;
}

const TYPES = ["CLIENT", "CLIENT_EVENT", "SERVER", "SERVER_EVENT", "NOTEBOOK", "INTERNAL"];

export function ArtifactList({ rows, initialSearch = "", initialType = "" }: { rows: ArtifactRow[]; initialSearch?: string; initialType?: string }) {
  const [search, setSearch] = useState(initialSearch);
  const [type, setType] = useState(initialType);
  const shown = useMemo(() => {
    const words = search.toLowerCase().split(/\s+/).filter(Boolean);
    return rows.filter((r) => (!type || r.type === type) && words.every((w) => `${r.name}\n${r.description}`.toLowerCase().includes(w)));
  }, [rows, search, type]);

  return (
    <div>
      <div className="row art-filters" role="search">
        <label>
          Search
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="name or description" data-testid="artifact-search" />
        </label>
        <label>
          Type
          <select value={type} onChange={(e) => setType(e.target.value)} data-testid="artifact-type-filter">
            <option value="">All types</option>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <span className="muted" data-testid="artifact-count">
          {shown.length} of {rows.length}
        </span>
      </div>
      <table className="data" aria-label="Artifacts">
        <thead>
          <tr>
            <th>Name</th>
            <th>Type</th>
            <th>Description</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.name} data-testid={`artifact-row-${r.name}`}>
              <td>
                <Link href={`/artifacts/${encodeURIComponent(r.name)}`}>{r.name}</Link>{" "}
                {r.builtIn ? <span className="chip">built-in</span> : <span className="chip art-custom">custom</span>}
                {r.overriddenBy ? <span className="chip off" title={`Collected as ${r.overriddenBy}`}>overridden</span> : null}
              </td>
              <td>
                <span className="chip">{r.type}</span>
              </td>
              <td className="muted">{renderInline(r.summary, r.name)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
