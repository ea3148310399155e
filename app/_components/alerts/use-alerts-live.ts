"use client";
// The Alerts pages' live glue: follow the `alerts` topic over /api/ws/ui and re-read (throttled:
// a burst of raises costs one read a second) on each message that matters to the page, and
// whenever the topic becomes live again; poll only while the socket is down (useLiveTopics).
// Returns whether the page is live.
import { useEffect, useMemo, useRef } from "react";
import { throttle, useLiveTopics } from "../live/use-live-topics";
import { ALERTS_TOPIC } from "@/engine";
import { alertMessage, type AlertMessage } from "./types";

export function useAlertsLive(reread: () => void, opts: { relevant?: (m: AlertMessage) => boolean; throttleMs?: number; fallbackMs?: number } = {}): boolean {
  const latest = useRef({ reread, relevant: opts.relevant });
  useEffect(() => {
    latest.current = { reread, relevant: opts.relevant };
  });
  const ms = opts.throttleMs ?? 1000;
  const t = useMemo(() => throttle(() => latest.current.reread(), ms), [ms]);
  useEffect(() => () => t.cancel(), [t]);
  return useLiveTopics([ALERTS_TOPIC], {
    resync: () => t.call(),
    onMessage: (_topic, m) => {
      const msg = alertMessage(m);
      if (msg && (!latest.current.relevant || latest.current.relevant(msg))) t.call();
    },
    fallbackMs: opts.fallbackMs,
  });
}
