/** An artifact's one-line summary: its description's first paragraph, flattened and cut at 240 characters. */
import type { Artifact } from "./types";

export function summaryOf(a: Artifact): string {
  const para = a.description.trim().split(/\n\s*\n/)[0] ?? "";
  const flat = para.replace(/\s+/g, " ").trim();
  return flat.length > 240 ? flat.slice(0, 237) + "..." : flat;
}
