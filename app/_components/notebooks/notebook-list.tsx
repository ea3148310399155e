"use client";
// The notebook list: search, sort, "all / mine / shared with me", new notebook from a template,
// import from the plain-text format, copy, and delete with confirmation.
import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import type { NotebookSummary, NotebookView, TemplateSummary } from "@/engine";
import { callApi } from "../api";

export function NotebookList({ initial, templates, me, canCreate }: { initial: NotebookSummary[]; templates: TemplateSummary[]; me: string; canCreate: boolean }) {
  const router = useRouter();
  const [rows, setRows] = useState(initial);
  const [search, setSearch] = useState("");
  const [scope, setScope] = useState<"all" | "mine" | "shared">("all");
  const [sort, setSort] = useState<"modified" | "name" | "created">("modified");
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [template, setTemplate] = useState(templates[0]?.id ?? "blank");
  const [name, setName] = useState("");
  const [values, setValues] = useState<Record<string, string>>({});
  const [first, setFirst] = useState(true);

  async function load() {
    try {
      const q = new URLSearchParams({ scope, sort, search });
      const res = await callApi<{ notebooks: NotebookSummary[] }>("GET", `/api/notebooks?${q}`);
      setRows(res.notebooks);
    } catch (err) {
      setError((err as Error).message);
    }
  }

  useEffect(() => {
    if (first) return setFirst(false);
    const t = setTimeout(load, 200);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search, scope, sort]);

  async function create(e: FormEvent) {
    e.preventDefault();
    try {
      const res = await callApi<{ notebook: NotebookView }>("POST", "/api/notebooks", { name, template, parameters: values });
      router.push(`/notebooks/${res.notebook.id}`);
    } catch (err) {
      setError((err as Error).message);
    }
  }

  async function importFile(file: File) {
    try {
      const res = await callApi<{ notebook: NotebookView }>("POST", "/api/notebooks/import", { text: await file.text() });
      router.push(`/notebooks/${res.notebook.id}`);
    } catch (err) {
      setError((err as Error).message);
    }
  }

  async function copy(id: string) {
    try {
      const res = await callApi<{ notebook: NotebookView }>("POST", `/api/notebooks/${id}/copy`, {});
      router.push(`/notebooks/${res.notebook.id}`);
    } catch (err) {
      setError((err as Error).message);
    }
  }

  async function remove(id: string) {
    try {
      await callApi("DELETE", `/api/notebooks/${id}`);
      setConfirm(null);
      setRows((r) => r.filter((n) => n.id !== id));
    } catch (err) {
      setError((err as Error).message);
    }
  }

  const selected = templates.find((t) => t.id === template);
  return (
    <div>
      {error ? (
        <p className="notice error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="row nb-list-bar">
        <input type="search" placeholder="Search notebooks" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search notebooks" />
        <div className="tabs" role="tablist" aria-label="Which notebooks">
          {(["all", "mine", "shared"] as const).map((s) => (
            <button key={s} type="button" role="tab" aria-selected={scope === s} className={scope === s ? "primary" : ""} onClick={() => setScope(s)}>
              {s === "all" ? "All" : s === "mine" ? "Mine" : "Shared with me"}
            </button>
          ))}
        </div>
        <label>
          Sort
          <select value={sort} onChange={(e) => setSort(e.target.value as typeof sort)}>
            <option value="modified">Last modified</option>
            <option value="name">Name</option>
            <option value="created">Created</option>
          </select>
        </label>
        <span className="spacer" />
        {canCreate ? (
          <>
            <label className="button">
              Import…
              <input type="file" accept=".md,.txt,text/markdown" hidden onChange={(e) => e.target.files?.[0] && importFile(e.target.files[0])} data-testid="import-notebook" />
            </label>
            <button type="button" className="primary" onClick={() => setCreating((c) => !c)} data-testid="new-notebook">
              New notebook
            </button>
          </>
        ) : null}
      </div>
      {creating ? (
        <form className="panel new-notebook" onSubmit={create} aria-label="New notebook">
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder={selected?.name ?? "Untitled"} data-testid="new-notebook-name" />
          </label>
          <fieldset className="templates">
            <legend>Template</legend>
            {templates.map((t) => (
              <label key={t.id} className="template">
                <input type="radio" name="template" value={t.id} checked={template === t.id} onChange={() => setTemplate(t.id)} />
                <span>
                  <strong>{t.name}</strong>
                  <span className="muted"> {t.description}</span>
                </span>
              </label>
            ))}
          </fieldset>
          {selected?.parameters.length ? (
            <fieldset>
              <legend>Parameters</legend>
              {selected.parameters.map((p) => (
                <label key={p.name}>
                  {p.name} <span className="muted">{p.description}</span>
                  <input value={values[p.name] ?? p.default} onChange={(e) => setValues((v) => ({ ...v, [p.name]: e.target.value }))} />
                </label>
              ))}
            </fieldset>
          ) : null}
          <button type="submit" className="primary" data-testid="create-notebook">
            Create
          </button>
        </form>
      ) : null}
      <table className="data nb-list">
        <thead>
          <tr>
            <th>Name</th>
            <th>Creator</th>
            <th>Shared</th>
            <th>Modified</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((n) => (
            <tr key={n.id} data-testid={`notebook-row-${n.id}`}>
              <td>
                <a href={`/notebooks/${n.id}`}>{n.name}</a>
                {n.description ? <div className="muted small">{n.description.slice(0, 160)}</div> : null}
              </td>
              <td>{n.creator}</td>
              <td>{n.isPublic ? <span className="chip">public</span> : n.collaborators.length ? <span className="chip">{n.collaborators.join(", ")}</span> : <span className="muted">private</span>}</td>
              <td title={n.modifiedAt}>{new Date(n.modifiedAt).toLocaleString()}</td>
              <td className="actions">
                {canCreate ? (
                  <button type="button" onClick={() => copy(n.id)}>
                    Copy
                  </button>
                ) : null}
                {n.creator === me ? (
                  confirm === n.id ? (
                    <>
                      <span>Delete “{n.name}”?</span>{" "}
                      <button type="button" className="danger" onClick={() => remove(n.id)} data-testid="confirm-delete">
                        Delete
                      </button>
                      <button type="button" onClick={() => setConfirm(null)}>
                        Keep
                      </button>
                    </>
                  ) : (
                    <button type="button" className="danger" onClick={() => setConfirm(n.id)} data-testid="delete-notebook">
                      Delete
                    </button>
                  )
                ) : null}
              </td>
            </tr>
          ))}
          {rows.length === 0 ? (
            <tr>
              <td colSpan={5} className="muted">
                No notebooks here yet.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
