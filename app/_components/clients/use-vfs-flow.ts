"use client";
// Follows a file browser flow (a listing or a download) until the cache holds it: polls
// /vfs/progress and reports each answer; stops on unmount or when a new flow starts.
import { useCallback, useEffect, useRef, useState } from "react";
import { callApi } from "../api";
import type { VfsProgress } from "./files-types";

export function useVfsFlow(clientId: string, onDone: (p: VfsProgress) => void) {
  const [progress, setProgress] = useState<VfsProgress | null>(null);
  const [error, setError] = useState("");
  const [running, setRunning] = useState(false);
  const run = useRef(0);
  const done = useRef(onDone);
  done.current = onDone;

  useEffect(() => () => void run.current++, []);

  const follow = useCallback(
    async (start: () => Promise<{ flow: { flowId: string } }>) => {
      const mine = ++run.current;
      setError("");
      setProgress(null);
      setRunning(true);
      try {
        const { flow } = await start();
        for (let delay = 300; mine === run.current; delay = Math.min(delay * 1.5, 2000)) {
          const p = await callApi<VfsProgress>("GET", `/api/clients/${clientId}/vfs/progress?flowId=${encodeURIComponent(flow.flowId)}`);
          if (mine !== run.current) return;
          setProgress(p);
          if (p.ingested) {
            if (p.state !== "FINISHED") setError(`${p.state}${p.status ? `: ${p.status}` : ""}`);
            setRunning(false);
            done.current(p);
            return;
          }
          await new Promise((r) => setTimeout(r, delay));
        }
      } catch (e) {
        if (mine === run.current) {
          setError((e as Error).message);
          setRunning(false);
        }
      }
    },
    [clientId],
  );
  return { progress, error, follow, busy: running };
}
