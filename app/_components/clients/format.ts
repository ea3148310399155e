// Small display helpers for the Clients area: relative times, the status dot, cell values.
export function ago(iso: string | Date | null | undefined): string {
  if (!iso) return "never";
  const ms = Date.now() - new Date(iso).getTime();
  if (ms < 0) return "just now";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}

/** Velociraptor's status icon: online (connected), seen within a day, or long gone. */
export function status(online: boolean, lastSeen: string | Date): "online" | "recent" | "offline" {
  if (online) return "online";
  return Date.now() - new Date(lastSeen).getTime() < 24 * 3600_000 ? "recent" : "offline";
}

/** A result cell as text: objects and lists as compact JSON. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
