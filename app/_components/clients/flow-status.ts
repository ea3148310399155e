"use client";
// A flow's status line as the client page shows it: "Done with 2 errors" when the finished
// flow's log has ERROR lines (the first one beside it), "Failed with 1 error" for an ERROR flow.
// The count comes from the log route (errors, firstError); the text is a pure function.
import { useEffect, useState } from "react";
import { callApi } from "../api";

export interface FlowErrors {
  errors: number;
  firstError?: { message: string; artifact: string };
}

const plural = (n: number) => `${n} error${n === 1 ? "" : "s"}`;

/** The words after the state badge; "" when the log has no errors. */
export function flowStatusText(state: string, errors: number): string {
  if (!errors) return "";
  if (state === "FINISHED") return `Done with ${plural(errors)}`;
  if (state === "ERROR") return `Failed with ${plural(errors)}`;
  return plural(errors);
}

/** The flow's error count, re-read when `version` (its state and log size) changes. */
export function useFlowErrors(clientId: string, flowId: string, version: string): FlowErrors {
  const [e, setE] = useState<FlowErrors>({ errors: 0 });
  useEffect(() => {
    let live = true;
    callApi<FlowErrors>("GET", `/api/clients/${clientId}/flows/${flowId}/logs?offset=0&limit=1`).then(
      (r) => live && setE({ errors: r.errors ?? 0, ...(r.firstError ? { firstError: r.firstError } : {}) }),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [clientId, flowId, version]);
  return e;
}
