"use client";
// Live hunt views: re-read on each `{type: "changed"}` message of the hunts topics (throttled:
// a busy hunt changes many times a second), and every 5 s while the topics are not live (the
// socket is down, or a server without these topics refused them).
import { useEffect, useMemo } from "react";
import { throttle, useLiveTopics } from "../live/use-live-topics";

export function useHuntLive(topics: string[], reload: () => void): boolean {
  const t = useMemo(() => throttle(reload, 750), [reload]);
  useEffect(() => () => t.cancel(), [t]);
  return useLiveTopics(topics, { onMessage: (_topic, m) => (m.type === "changed" ? t.call() : undefined), resync: reload, fallbackMs: 5_000 });
}
