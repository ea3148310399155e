"use client";
// Limits per role, for administrators (the Users page): the longest timeout, the row cap per
// result table and how many queries and cells one user of the role may run at once. Saved
// per role (PUT /api/role-limits/<role>); the next run of every user of that role uses them.
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { callApi } from "./api";

export interface RoleLimitsRow {
  role: string;
  maxTimeoutSeconds: number;
  maxRows: number;
  maxConcurrent: number;
  updatedBy: string | null;
  updatedAt: string | null;
}

export function RoleLimitsAdmin({ limits }: { limits: RoleLimitsRow[] }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);

  async function onSave(e: FormEvent<HTMLFormElement>, role: string) {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    setMessage(null);
    try {
      await callApi("PUT", `/api/role-limits/${encodeURIComponent(role)}`, {
        maxTimeoutSeconds: Number(data.maxTimeoutSeconds),
        maxRows: Number(data.maxRows),
        maxConcurrent: Number(data.maxConcurrent),
      });
      setMessage({ kind: "ok", text: `Saved the limits of the ${role} role` });
      router.refresh();
    } catch (err) {
      setMessage({ kind: "error", text: (err as Error).message });
    }
  }

  return (
    <div data-testid="role-limits">
      <h2>Limits per role</h2>
      <p className="muted">
        Apply to notebook cells and the query API. A user at their role&apos;s number of concurrent runs waits in their own queue (cells) or gets a 429 (the
        query API); other users are not held up. Notebook settings above the role&apos;s maximum are refused; runs are clamped to the maximum of the user who
        runs them.
      </p>
      {message ? (
        <p className={message.kind === "error" ? "notice error" : "notice"} role={message.kind === "error" ? "alert" : "status"}>
          {message.text}
        </p>
      ) : null}
      <table className="data" aria-label="Limits per role">
        <thead>
          <tr>
            <th>Role</th>
            <th>Longest timeout (s)</th>
            <th>Row cap per table</th>
            <th>Concurrent runs per user</th>
            <th>Changed</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {limits.map((l) => {
            const form = `role-limits-${l.role}`;
            return (
              <tr key={`${l.role}-${l.updatedAt ?? ""}`} data-testid={`role-limits-${l.role}`}>
                <td>{l.role}</td>
                <td>
                  <input form={form} name="maxTimeoutSeconds" type="number" min={1} required defaultValue={l.maxTimeoutSeconds} aria-label={`Longest timeout of ${l.role}`} />
                </td>
                <td>
                  <input form={form} name="maxRows" type="number" min={1} required defaultValue={l.maxRows} aria-label={`Row cap of ${l.role}`} />
                </td>
                <td>
                  <input form={form} name="maxConcurrent" type="number" min={1} required defaultValue={l.maxConcurrent} aria-label={`Concurrent runs of ${l.role}`} />
                </td>
                <td className="muted">{l.updatedBy ? `${l.updatedBy}, ${new Date(l.updatedAt ?? "").toLocaleString()}` : "default"}</td>
                <td>
                  <form id={form} onSubmit={(e) => void onSave(e, l.role)}>
                    <button type="submit">Save</button>
                  </form>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
