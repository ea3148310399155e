"use client";
// The client's key on its page: its state, and for administrators Revoke (every hello with
// this key is refused and its connection closed) and Re-key (the agent re-enrols the same
// client id with a new key and the deployment token). Both ask for confirmation.
import { useState } from "react";
import { callApi } from "../api";
import type { ClientRow } from "./types";

const STATE_TEXT: Record<ClientRow["keyState"], string> = {
  active: "active",
  revoked: "revoked: the agent cannot connect",
  rekey: "waiting for the agent's new key",
};

export function ClientKey({ client, canAdmin, onChanged, onError }: { client: ClientRow; canAdmin: boolean; onChanged(c: ClientRow): void; onError(message: string): void }) {
  const [busy, setBusy] = useState(false);
  async function act(action: "revoke" | "rekey") {
    const question =
      action === "revoke"
        ? "Revoke this client's key? Its agent is disconnected and cannot connect again until the client is re-keyed."
        : "Re-key this client? Its agent is disconnected; the next agent to connect as this client with the deployment token and a new key takes its place.";
    if (!window.confirm(question)) return;
    setBusy(true);
    try {
      onChanged((await callApi<{ client: ClientRow }>("POST", `/api/clients/${client.clientId}/key`, { action })).client);
    } catch (e) {
      onError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <span data-testid="client-key" data-state={client.keyState}>
      {STATE_TEXT[client.keyState] ?? client.keyState}
      {canAdmin ? (
        <>
          {" "}
          {client.keyState !== "revoked" ? (
            <button type="button" className="small" disabled={busy} onClick={() => void act("revoke")} data-testid="client-key-revoke">
              Revoke
            </button>
          ) : null}{" "}
          {client.keyState !== "rekey" ? (
            <button type="button" className="small" disabled={busy} onClick={() => void act("rekey")} data-testid="client-key-rekey">
              Re-key
            </button>
          ) : null}
        </>
      ) : null}
    </span>
  );
}
