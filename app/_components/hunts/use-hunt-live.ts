"use client";
// Live hunt views: re-read on each `{type: "changed"}` message of the hunts topics (throttled:
// a busy hunt changes many times a second), once more 2 s after the last message of a burst,
// and every 5 s while the topics are not live (the socket is down, or a server without these
// topics refused them). The settling read is there because a flow's completion is announced
// when the flow ends, while its client moves to completed / with results / error a moment later
// (the hunt manager's own consumer, a separate transaction): a read at the announcement can
// still see the client running, and no later message would correct it.
import { useEffect, useMemo } from "react";
import { throttle, useLiveTopics } from "../live/use-live-topics";

const SETTLE_MS = 2_000;

export function useHuntLive(topics: string[], reload: () => void): boolean {
  const live = useMemo(() => {
    const t = throttle(reload, 750);
    let settle: ReturnType<typeof setTimeout> | undefined;
    return {
      changed() {
        t.call();
        if (settle) clearTimeout(settle);
        settle = setTimeout(() => {
          settle = undefined;
          reload();
        }, SETTLE_MS);
      },
      cancel() {
        t.cancel();
        if (settle) clearTimeout(settle);
        settle = undefined;
      },
    };
  }, [reload]);
  useEffect(() => () => live.cancel(), [live]);
  return useLiveTopics(topics, { onMessage: (_topic, m) => (m.type === "changed" ? live.changed() : undefined), resync: reload, fallbackMs: 5_000 });
}
