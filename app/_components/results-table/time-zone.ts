"use client";
// Timestamps in result tables are shown in a time zone the user picks (the browser's by
// default; the Account page and each table's selector set it); the choice is remembered in
// this browser and shared by every table.
import { useEffect, useState } from "react";

export const TIME_ZONES = ["UTC", "local", "America/New_York", "America/Los_Angeles", "Europe/London", "Europe/Berlin", "Asia/Tokyo", "Asia/Singapore", "Australia/Sydney"];

const KEY = "talon.timeZone";
const listeners = new Set<(tz: string) => void>();

/** The browser's own zone name (Europe/Berlin...), "UTC" when it cannot tell. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** The stored choice, else "local" (the browser's zone). */
export function getTimeZone(): string {
  if (typeof localStorage === "undefined") return "local";
  return localStorage.getItem(KEY) || "local";
}

export function setTimeZone(tz: string): void {
  localStorage.setItem(KEY, tz);
  for (const l of listeners) l(tz);
}

export function useTimeZone(): [string, (tz: string) => void] {
  const [tz, setTz] = useState("local");
  useEffect(() => {
    setTz(getTimeZone());
    listeners.add(setTz);
    return () => void listeners.delete(setTz);
  }, []);
  return [tz, setTimeZone];
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

export function isTimestamp(v: unknown): v is string {
  return typeof v === "string" && v.length <= 40 && ISO.test(v);
}

/** `2026-11-22 10:00:00.123 UTC`-style text of an RFC 3339 timestamp in the zone. */
export function formatTimestamp(iso: string, tz: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const zone = tz === "local" ? undefined : tz;
  const key = zone ?? "local";
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "short" });
    formatters.set(key, f);
  }
  const parts = Object.fromEntries(f.formatToParts(d).map((p) => [p.type, p.value]));
  const ms = /\.(\d{1,3})/.exec(iso)?.[1];
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}${ms ? "." + ms.padEnd(3, "0") : ""} ${parts.timeZoneName ?? ""}`.trim();
}
