"use client";
// A live tail of one event topic (`events:<queue>` or `events:<queue>@<clientId>`): rows kept
// newest first and bounded (see tail.ts), whether the topic is live, and a way to clear. A new
// topic starts a new tail; unmounting unsubscribes, which lets the server stop following.
import { useCallback, useEffect, useState } from "react";
import { subscribe } from "@/app/_components/live/ui-socket";
import { addBatch, emptyTail, type Tail } from "./tail";

export function useEventTail(topic: string | undefined): { tail: Tail; live: boolean; clear(): void } {
  const [tail, setTail] = useState<Tail>(emptyTail);
  const [live, setLive] = useState(false);
  useEffect(() => {
    setTail(emptyTail);
    setLive(false);
    if (!topic) return;
    return subscribe(
      topic,
      (m) => setTail((t) => addBatch(t, m)),
      undefined,
      (isLive) => setLive(isLive),
    );
  }, [topic]);
  const clear = useCallback(() => setTail(emptyTail), []);
  return { tail, live, clear };
}
