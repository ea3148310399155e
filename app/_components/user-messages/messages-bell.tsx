"use client";
// The header's notification bell for user_message(): the unread count (red while there are
// unread messages, as Velociraptor's), and on click the newest messages, which are then marked
// read. New messages arrive on the user's `messages:<name>` topic over /api/ws/ui (checked with
// zod here); the list is re-read when the topic becomes live and polled slowly while it is not.
// Every field is rendered as text (React escapes it): a message is never HTML.
import { useCallback, useEffect, useState } from "react";
import { z } from "zod";
import { callApi } from "../api";
import { useLiveTopics } from "../live/use-live-topics";
import { userMessagesTopic, type UserMessageView } from "@/engine";
import { messageFields } from "./fields";

const View = z.object({ id: z.number(), from: z.string(), message: z.string(), createdAt: z.string(), read: z.boolean() });
const Pushed = z.object({ type: z.literal("message"), message: View });

export function MessagesBell({ username }: { username: string }) {
  const [messages, setMessages] = useState<UserMessageView[]>([]);
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);
  const load = useCallback(async () => {
    try {
      const r = await callApi<{ messages: UserMessageView[]; unread: number }>("GET", "/api/user-messages?limit=50");
      setMessages(r.messages);
      setUnread(r.unread);
    } catch {
      // keep what is shown
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  useLiveTopics([userMessagesTopic(username)], {
    resync: () => void load(),
    onMessage: (_t, m) => {
      const p = Pushed.safeParse(m);
      if (!p.success) return;
      setMessages((list) => [p.data.message, ...list.filter((x) => x.id !== p.data.message.id)].slice(0, 50));
      setUnread((n) => n + 1);
    },
    fallbackMs: 60_000,
  });
  const toggle = async () => {
    const next = !open;
    setOpen(next);
    if (next && unread > 0) {
      setUnread(0);
      await callApi("POST", "/api/user-messages", { read: true }).catch(() => undefined);
    }
  };
  return (
    <div className="messages-bell">
      <button type="button" onClick={() => void toggle()} aria-expanded={open} data-testid="messages-bell" data-unread={unread} className={unread ? "unread" : undefined}>
        Messages{unread ? <span className="badge">{unread > 99 ? "99+" : unread}</span> : null}
        {unread ? <span className="sr-only"> ({unread} unread)</span> : null}
      </button>
      {open ? (
        <div className="messages-panel" role="region" aria-label="Messages" data-testid="messages-panel">
          {messages.length === 0 ? <p className="muted">No messages.</p> : null}
          <ul>
            {messages.map((m) => (
              <li key={m.id} data-testid="message" className={m.read ? undefined : "new"}>
                <div className="meta">
                  {new Date(m.createdAt).toLocaleString()} · from {m.from}
                </div>
                {messageFields(m.message).map(([k, v], i) => (
                  <div key={i} className="field">
                    {k ? <span className="key">{k}: </span> : null}
                    <span className="value">{v}</span>
                  </div>
                ))}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
