"use client";
// A signed-in user changes their own password.
import { useState, type FormEvent } from "react";
import { callApi } from "./api";

export function ChangePassword() {
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = Object.fromEntries(new FormData(form)) as Record<string, string>;
    if (data.password !== data.confirm) return setMessage({ kind: "error", text: "the two new passwords differ" });
    try {
      await callApi("POST", "/api/account/password", { current: data.current, password: data.password });
      form.reset();
      setMessage({ kind: "ok", text: "Password changed" });
    } catch (err) {
      setMessage({ kind: "error", text: (err as Error).message });
    }
  }
  return (
    <form className="panel" onSubmit={onSubmit} aria-label="Change password" style={{ maxWidth: 380, display: "grid", gap: "0.7rem" }}>
      {message ? (
        <p className={message.kind === "error" ? "notice error" : "notice"} role={message.kind === "error" ? "alert" : "status"}>
          {message.text}
        </p>
      ) : null}
      <label>
        Current password
        <input name="current" type="password" required autoComplete="current-password" />
      </label>
      <label>
        New password
        <input name="password" type="password" required minLength={12} autoComplete="new-password" />
      </label>
      <label>
        New password again
        <input name="confirm" type="password" required minLength={12} autoComplete="new-password" />
      </label>
      <button className="primary" type="submit">
        Change password
      </button>
    </form>
  );
}
