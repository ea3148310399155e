"use client";
// React glue over ui-socket for pages that show server state: subscribe to topics, hear their
// messages, re-read everything whenever the topics become live (the first time, and after each
// reconnect, since changes made meanwhile were missed), and poll slowly only while they are
// not live (socket down or refused). Returns whether the page is live.
import { useEffect, useRef, useState } from "react";
import { subscribe } from "./ui-socket";

export interface LiveOptions {
  /** A message on one of the topics (hub control messages are not passed on). */
  onMessage(topic: string, message: Record<string, unknown>): void;
  /** Re-read what the page shows. */
  resync(): void;
  /** Poll interval while not live (default 15 s). */
  fallbackMs?: number;
}

export function useLiveTopics(topics: string[], options: LiveOptions): boolean {
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });
  const key = topics.join("\n");
  const [live, setLive] = useState(false);

  useEffect(() => {
    const list = key ? key.split("\n") : [];
    const state = new Map(list.map((t) => [t, false]));
    let allLive = false;
    const update = () => {
      const now = list.length > 0 && [...state.values()].every(Boolean);
      if (now === allLive) return;
      allLive = now;
      setLive(now);
      if (now) latest.current.resync();
    };
    const offs = list.map((topic) =>
      subscribe(
        topic,
        (m) => {
          if (m.type !== "subscribed" && m.type !== "error") latest.current.onMessage(topic, m);
        },
        undefined,
        (isLive) => {
          state.set(topic, isLive);
          update();
        },
      ),
    );
    return () => {
      for (const off of offs) off();
      setLive(false);
    };
  }, [key]);

  const fallbackMs = options.fallbackMs ?? 15_000;
  useEffect(() => {
    if (live) return;
    const t = setInterval(() => latest.current.resync(), fallbackMs);
    return () => clearInterval(t);
  }, [live, fallbackMs]);

  return live;
}

/**
 * Calls `fn` at most once per `ms`: the first call runs at once, calls during the wait collapse
 * into one trailing call. For re-reads triggered by bursts of live messages.
 */
export function throttle(fn: () => void, ms: number): { call(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending = false;
  const fire = () => {
    timer = setTimeout(() => {
      timer = undefined;
      if (pending) {
        pending = false;
        fn();
        fire();
      }
    }, ms);
  };
  return {
    call() {
      if (timer) {
        pending = true;
        return;
      }
      fn();
      fire();
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      pending = false;
    },
  };
}
