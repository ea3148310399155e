"use client";
// Secret management for administrators: add a secret of a type (its fields as inputs; secret
// fields in password inputs), list secrets (names, types, field names, users; never values),
// share or unshare with users, delete after confirming. Values are sent once and never shown.
import { useState, type FormEvent } from "react";
import { callApi } from "./api";
import { useAdminAction } from "./use-admin-action";
import { ConfirmButton } from "./monitoring/confirm-button";

export interface SecretTypeView {
  name: string;
  description: string;
  fields: Array<{ name: string; kind: "string" | "secret" | "bool" | "dict"; required?: boolean; doc: string }>;
}

export interface SecretRow {
  name: string;
  type: string;
  fields: string[];
  users: string[];
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

/** `Name: value` lines as a dict (a dict field's input). */
function parseLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

export function SecretsAdmin({ types, secrets }: { types: SecretTypeView[]; secrets: SecretRow[] }) {
  const { message, act } = useAdminAction();
  const [typeName, setTypeName] = useState(types[0]?.name ?? "");
  const type = types.find((t) => t.name === typeName);


  function onAdd(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const name = String(data.get("name") ?? "");
    const values: Record<string, unknown> = {};
    for (const f of type?.fields ?? []) {
      if (f.kind === "bool") values[f.name] = data.get(f.name) === "on";
      else if (f.kind === "dict") {
        const d = parseLines(String(data.get(f.name) ?? ""));
        if (Object.keys(d).length) values[f.name] = d;
      } else if (data.get(f.name)) values[f.name] = String(data.get(f.name));
    }
    void act(async () => {
      await callApi("POST", "/api/secrets", { name, type: typeName, values });
      form.reset();
    }, `Added secret ${name}`);
  }

  function onShare(e: FormEvent<HTMLFormElement>, s: SecretRow) {
    e.preventDefault();
    const form = e.currentTarget;
    const user = String(new FormData(form).get("user") ?? "").trim();
    if (!user) return;
    void act(async () => {
      await callApi("PATCH", `/api/secrets/${encodeURIComponent(s.name)}`, { type: s.type, addUsers: [user] });
      form.reset();
    }, `Shared ${s.name} with ${user}`);
  }

  return (
    <div>
      {message ? (
        <p className={message.kind === "error" ? "notice error" : "notice"} role={message.kind === "error" ? "alert" : "status"}>
          {message.text}
        </p>
      ) : null}

      <h2>Add a secret</h2>
      <form className="panel" onSubmit={onAdd} aria-label="Add secret" data-testid="secret-add-form" autoComplete="off">
        <div className="row">
          <label>
            Name
            <input name="name" required pattern="[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}" data-testid="secret-name" />
          </label>
          <label>
            Type
            <select name="type" value={typeName} onChange={(e) => setTypeName(e.target.value)} data-testid="secret-type">
              {types.map((t) => (
                <option key={t.name} value={t.name}>
                  {t.name}
                </option>
              ))}
            </select>
          </label>
        </div>
        {type ? <p className="muted">{type.description}</p> : null}
        {type?.fields.map((f) => (
          <label key={`${typeName}:${f.name}`} className="field" title={f.doc}>
            {f.name}
            {f.required ? " *" : ""}
            {f.kind === "bool" ? (
              <input name={f.name} type="checkbox" data-testid={`secret-field-${f.name}`} />
            ) : f.kind === "dict" ? (
              <textarea name={f.name} rows={2} placeholder="Name: value (one per line)" data-testid={`secret-field-${f.name}`} />
            ) : (
              <input
                name={f.name}
                type={f.kind === "secret" ? "password" : "text"}
                required={f.required}
                autoComplete={f.kind === "secret" ? "new-password" : "off"}
                data-testid={`secret-field-${f.name}`}
              />
            )}
            <small className="muted">{f.doc}</small>
          </label>
        ))}
        <button type="submit" data-testid="secret-add">
          Add secret
        </button>
      </form>

      <h2>Secrets</h2>
      {secrets.length === 0 ? (
        <p className="muted">No secrets yet.</p>
      ) : (
        <table className="table" data-testid="secrets-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Type</th>
              <th>Fields</th>
              <th>Shared with</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {secrets.map((s) => (
              <tr key={s.name} data-testid={`secret-row-${s.name}`}>
                <td>{s.name}</td>
                <td>{s.type}</td>
                <td>{s.fields.join(", ")}</td>
                <td>
                  {s.users.map((u) => (
                    <span key={u} className="chip">
                      {u}{" "}
                      <button
                        type="button"
                        aria-label={`Stop sharing ${s.name} with ${u}`}
                        onClick={() => void act(() => callApi("PATCH", `/api/secrets/${encodeURIComponent(s.name)}`, { type: s.type, removeUsers: [u] }), `Stopped sharing ${s.name} with ${u}`)}
                      >
                        ×
                      </button>
                    </span>
                  ))}
                  <form className="row" onSubmit={(e) => onShare(e, s)} aria-label={`Share ${s.name}`}>
                    <input name="user" placeholder="user name" aria-label="User name" />
                    <button type="submit">Share</button>
                  </form>
                </td>
                <td>
                  {s.createdBy} · {new Date(s.createdAt).toLocaleString()}
                </td>
                <td>
                  <ConfirmButton
                    label="Delete"
                    question={`Delete secret ${s.name}?`}
                    testId={`secret-delete-${s.name}`}
                    onConfirm={() => void act(() => callApi("DELETE", `/api/secrets/${encodeURIComponent(s.name)}?type=${encodeURIComponent(s.type)}`), `Deleted secret ${s.name}`)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
