"use client";
// Triage of one inbox entry: status (Acknowledge, Resolve, False positive, Reopen), assignee
// (to me, to a username, nobody) and comments, each one PATCH /api/alerts/:id. Without
// ALERT_TRIAGE the controls show disabled with the reason (the API refuses them too).
import { useState } from "react";
import type { AlertChange, AlertStatus } from "@/engine";
import { callApi } from "../api";

const MOVES: Record<AlertStatus, Array<{ to: AlertStatus; label: string; testId: string; primary?: boolean }>> = {
  new: [
    { to: "acknowledged", label: "Acknowledge", testId: "alert-acknowledge", primary: true },
    { to: "resolved", label: "Resolve", testId: "alert-resolve" },
    { to: "false_positive", label: "False positive", testId: "alert-false-positive" },
  ],
  acknowledged: [
    { to: "resolved", label: "Resolve", testId: "alert-resolve", primary: true },
    { to: "false_positive", label: "False positive", testId: "alert-false-positive" },
    { to: "new", label: "Reopen", testId: "alert-reopen" },
  ],
  resolved: [{ to: "new", label: "Reopen", testId: "alert-reopen", primary: true }],
  false_positive: [{ to: "new", label: "Reopen", testId: "alert-reopen", primary: true }],
};

export function TriageActions({ alert, canTriage, me, onChanged }: { alert: { id: string; status: AlertStatus; assignee: string | null }; canTriage: boolean; me: string; onChanged(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [assignee, setAssignee] = useState("");
  const [comment, setComment] = useState("");
  const off = !canTriage || busy;
  const why = canTriage ? undefined : "Triage needs the ALERT_TRIAGE permission";

  async function change(c: AlertChange, after?: () => void) {
    setBusy(true);
    try {
      await callApi("PATCH", `/api/alerts/${encodeURIComponent(alert.id)}`, c);
      setError("");
      after?.();
      onChanged();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="triage" data-testid="alert-triage" data-can-triage={canTriage}>
      {canTriage ? null : <p className="muted small" data-testid="alert-triage-readonly">You can read this alert; triage needs the ALERT_TRIAGE permission.</p>}
      <div className="row">
        {(MOVES[alert.status] ?? []).map((m) => (
          <button key={m.to} type="button" className={m.primary ? "primary" : undefined} disabled={off} title={why} onClick={() => void change({ status: m.to })} data-testid={m.testId}>
            {m.label}
          </button>
        ))}
      </div>
      <div className="row">
        <button type="button" disabled={off || alert.assignee === me} title={why} onClick={() => void change({ assignee: me })} data-testid="alert-assign-me">
          Assign to me
        </button>
        <label>
          Assign to
          <input value={assignee} disabled={!canTriage} onChange={(e) => setAssignee(e.target.value)} placeholder="username" data-testid="alert-assignee-input" />
        </label>
        <button type="button" disabled={off || !assignee.trim()} title={why} onClick={() => void change({ assignee: assignee.trim() }, () => setAssignee(""))} data-testid="alert-assign">
          Assign
        </button>
        <button type="button" disabled={off || !alert.assignee} title={why} onClick={() => void change({ assignee: null })} data-testid="alert-unassign">
          Unassign
        </button>
      </div>
      <form
        className="comment-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (comment.trim()) void change({ comment: comment.trim() }, () => setComment(""));
        }}
      >
        <label>
          Comment
          <textarea rows={3} value={comment} disabled={!canTriage} onChange={(e) => setComment(e.target.value)} data-testid="alert-comment-input" />
        </label>
        <div className="row end">
          <button type="submit" disabled={off || !comment.trim()} title={why} data-testid="alert-comment-add">
            Add comment
          </button>
        </div>
      </form>
      {error ? (
        <p className="notice error" data-testid="alert-triage-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
