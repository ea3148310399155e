"use client";
// User management for administrators: create users, change roles, reset passwords, disable,
// and issue or revoke API keys.
import { useState, type FormEvent } from "react";
import { callApi } from "./api";
import { useAdminAction } from "./use-admin-action";

export interface UserRow {
  username: string;
  role: string;
  disabled: boolean;
  createdAt: string;
}

export interface KeyRow {
  id: string;
  username: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revoked: boolean;
}

export function UsersAdmin({ users, roles, keys, me }: { users: UserRow[]; roles: { name: string; description: string }[]; keys: KeyRow[]; me: string }) {
  const { message, act } = useAdminAction();
  const [newKey, setNewKey] = useState<string | null>(null);


  function onCreate(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = Object.fromEntries(new FormData(form)) as Record<string, string>;
    void act(async () => {
      await callApi("POST", "/api/users", data);
      form.reset();
    }, `Created user ${data.username}`);
  }

  function onIssueKey(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    void act(async () => {
      const res = await callApi<{ key: string }>("POST", "/api/api-keys", data);
      setNewKey(res.key);
    }, `Issued an API key for ${data.username}`);
  }

  return (
    <div>
      {message ? (
        <p className={message.kind === "error" ? "notice error" : "notice"} role={message.kind === "error" ? "alert" : "status"}>
          {message.text}
        </p>
      ) : null}

      <h2>Create a user</h2>
      <form className="row panel" onSubmit={onCreate} aria-label="Create user">
        <label>
          User name
          <input name="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" required minLength={12} autoComplete="new-password" />
        </label>
        <label>
          Role
          <select name="role" defaultValue="analyst">
            {roles.map((r) => (
              <option key={r.name} value={r.name} title={r.description}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <button className="primary" type="submit">
          Create user
        </button>
      </form>

      <h2>Users</h2>
      <table className="data controls" aria-label="Users">
        <thead>
          <tr>
            <th>User</th>
            <th>Role</th>
            <th>State</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.username} data-testid={`user-row-${u.username}`}>
              <td>{u.username}</td>
              <td>
                <select
                  aria-label={`Role of ${u.username}`}
                  value={u.role}
                  disabled={u.username === me}
                  title={u.username === me ? "You cannot change your own role: another administrator can" : undefined}
                  onChange={(e) => void act(() => callApi("PATCH", `/api/users/${encodeURIComponent(u.username)}`, { role: e.target.value }), `${u.username} is now ${e.target.value}`)}
                >
                  {roles.map((r) => (
                    <option key={r.name} value={r.name}>
                      {r.name}
                    </option>
                  ))}
                </select>
                {u.username === me ? <div className="muted" style={{ fontSize: "0.78rem" }} data-testid="own-role-note">your own role: another administrator can change it</div> : null}
              </td>
              <td>{u.disabled ? <span className="chip off">disabled</span> : <span className="chip">active</span>}</td>
              <td>
                <div className="row">
                  <button
                    type="button"
                    onClick={() => {
                      const pw = window.prompt(`New password for ${u.username} (at least 12 characters)`);
                      if (pw) void act(() => callApi("PATCH", `/api/users/${encodeURIComponent(u.username)}`, { password: pw }), `Password of ${u.username} reset`);
                    }}
                  >
                    Reset password
                  </button>
                  {u.username !== me ? (
                    <button
                      type="button"
                      className={u.disabled ? undefined : "danger"}
                      onClick={() => void act(() => callApi("PATCH", `/api/users/${encodeURIComponent(u.username)}`, { disabled: !u.disabled }), `${u.username} ${u.disabled ? "enabled" : "disabled"}`)}
                    >
                      {u.disabled ? `Enable ${u.username}` : `Disable ${u.username}`}
                    </button>
                  ) : null}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>API keys</h2>
      <p className="muted">Scripts use a key with <code>Authorization: Bearer &lt;key&gt;</code> and act as the key&apos;s user. Give them a user with the api role.</p>
      {newKey ? (
        <p className="notice" role="status">
          New key (shown once): <code data-testid="new-api-key">{newKey}</code>
        </p>
      ) : null}
      <form className="row panel" onSubmit={onIssueKey} aria-label="Issue API key">
        <label>
          For user
          <select name="username">
            {users.filter((u) => !u.disabled).map((u) => (
              <option key={u.username} value={u.username}>
                {u.username}
              </option>
            ))}
          </select>
        </label>
        <label>
          Name
          <input name="name" placeholder="what it is for" />
        </label>
        <button type="submit">Issue key</button>
      </form>
      {keys.length ? (
        <table className="data" aria-label="API keys" style={{ marginTop: "0.8rem" }}>
          <thead>
            <tr>
              <th>Key id</th>
              <th>User</th>
              <th>Name</th>
              <th>Last used</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id}>
                <td>
                  <code>{k.id}</code>
                </td>
                <td>{k.username}</td>
                <td>{k.name}</td>
                <td>{k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : "never"}</td>
                <td>
                  {k.revoked ? (
                    <span className="chip off">revoked</span>
                  ) : (
                    <button type="button" className="danger" onClick={() => void act(() => callApi("DELETE", `/api/api-keys/${k.id}`), `Key ${k.id} revoked`)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
