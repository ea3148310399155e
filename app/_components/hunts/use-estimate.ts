"use client";
// The new-hunt wizard's live estimate: "N clients match now, M of them online", asked of
// POST /api/hunts/estimate 600 ms after the conditions last changed (the server runs the label,
// OS and server-side conditions over the latest interrogation data). A server without that
// route (or one that refuses) leaves the estimate "unavailable"; a newer answer always wins.
import { useEffect, useRef, useState } from "react";

export interface EstimateInput {
  includeLabels: string[];
  excludeLabels: string[];
  os: string;
  serverCondition: string;
  clientLimit: number;
}

export type Estimate = { kind: "idle" } | { kind: "loading" } | { kind: "ok"; matching: number; online: number; partial?: boolean; conditionErrors?: number } | { kind: "unavailable"; reason: string };

export function useEstimate(input: EstimateInput, delayMs = 600): Estimate {
  const key = JSON.stringify(input);
  const [estimate, setEstimate] = useState<Estimate>({ kind: "idle" });
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    const ctl = new AbortController();
    setEstimate((e) => (e.kind === "ok" ? e : { kind: "loading" }));
    const timer = setTimeout(async () => {
      const body = JSON.parse(key) as EstimateInput;
      try {
        const res = await fetch("/api/hunts/estimate", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          credentials: "same-origin",
          signal: ctl.signal,
          body: JSON.stringify({
            includeLabels: body.includeLabels,
            excludeLabels: body.excludeLabels,
            os: body.os,
            ...(body.serverCondition.trim() ? { serverCondition: body.serverCondition } : {}),
            ...(body.clientLimit > 0 ? { clientLimit: body.clientLimit } : {}),
          }),
        });
        const data = (await res.json().catch(() => ({}))) as { matching?: number; online?: number; partial?: boolean; serverConditionErrors?: number; message?: string };
        if (mine !== seq.current) return;
        if (res.ok && typeof data.matching === "number") setEstimate({ kind: "ok", matching: data.matching, online: data.online ?? 0, partial: data.partial, conditionErrors: data.serverConditionErrors });
        else setEstimate({ kind: "unavailable", reason: res.status === 404 || res.status === 405 ? "this server has no estimate" : data.message ?? `${res.status}` });
      } catch (e) {
        if (mine === seq.current && (e as Error).name !== "AbortError") setEstimate({ kind: "unavailable", reason: (e as Error).message });
      }
    }, delayMs);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [key, delayMs]);
  return estimate;
}
