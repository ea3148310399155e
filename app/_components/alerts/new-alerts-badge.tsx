"use client";
// The navigation's count of new alerts: read from /api/alerts/counts, re-read on every message
// of the `alerts` topic (throttled) and when the topic becomes live again; polled only while
// the socket is down. Hidden while there are none, or while the count cannot be read.
import { useCallback, useEffect, useState } from "react";
import { callApi } from "../api";
import type { AlertCounts } from "./types";
import { useAlertsLive } from "./use-alerts-live";

export function NewAlertsBadge() {
  const [count, setCount] = useState(0);
  const load = useCallback(async () => {
    try {
      setCount((await callApi<AlertCounts>("GET", "/api/alerts/counts")).new);
    } catch {
      setCount(0);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  useAlertsLive(() => void load(), { fallbackMs: 30_000 });
  if (!count) return null;
  return (
    <span className="badge" data-testid="nav-alerts-count" data-count={count} title={`${count} new alert${count === 1 ? "" : "s"}`}>
      {count > 999 ? "999+" : count}
      <span className="sr-only"> new alert{count === 1 ? "" : "s"}</span>
    </span>
  );
}
