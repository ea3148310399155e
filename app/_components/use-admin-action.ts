"use client";
// The act-then-refresh pattern of the admin pages (users, secrets, tools): run a request, show
// its outcome as a status or an alert line, refresh the server-rendered page, and say while one
// is running (busy) so a form can disable itself.
import { useRouter } from "next/navigation";
import { useState } from "react";

export interface AdminMessage {
  kind: "ok" | "error";
  text: string;
}

export function useAdminAction() {
  const router = useRouter();
  const [message, setMessage] = useState<AdminMessage | null>(null);
  const [busy, setBusy] = useState(false);
  async function act(fn: () => Promise<unknown>, ok: string) {
    setMessage(null);
    setBusy(true);
    try {
      await fn();
      setMessage({ kind: "ok", text: ok });
      router.refresh();
    } catch (err) {
      setMessage({ kind: "error", text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  }
  return { message, setMessage, busy, act };
}
