// Inventory rows as the contract's InventoryTool (the serve URL from the token), and choosing a
// tool's version: the one asked for, else the highest (Velociraptor compares versions
// numerically part by part).
import type { ToolRow } from "@/drizzle/queries";
import { TOOLS_DOWNLOAD_PATH, type InventoryTool } from "@/engine/server/contracts";

/** `publicUrl` (TALON_PUBLIC_URL) makes serve URLs absolute; without it they are server-relative paths the agent completes with its server's origin. */
export function toInventoryTool(r: ToolRow, publicUrl: string | undefined): InventoryTool {
  const local = r.serveLocally && r.size !== null && r.size !== undefined;
  const served = `${(publicUrl ?? "").replace(/\/+$/, "")}${TOOLS_DOWNLOAD_PATH}${r.token}`;
  return {
    name: r.name,
    version: r.version,
    url: r.url,
    githubProject: r.githubProject,
    githubAssetRegex: r.githubAssetRegex,
    serveLocally: r.serveLocally,
    adminOverride: r.adminOverride,
    expectedHash: r.expectedHash,
    artifact: r.artifact,
    filestorePath: r.serveLocally ? r.token : "",
    serveUrl: local ? served : r.serveLocally ? "" : r.url,
    filename: r.filename,
    hash: r.hash || r.expectedHash,
    ...(r.size !== null && r.size !== undefined ? { size: r.size } : {}),
    updatedBy: r.updatedBy,
    updatedAt: r.updatedAt,
  };
}

/** Negative when a < b: numeric parts compared as numbers, others as text. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.\-_+]/);
  const pb = b.split(/[.\-_+]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? "";
    const y = pb[i] ?? "";
    if (x === y) continue;
    if (/^\d+$/.test(x) && /^\d+$/.test(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return 0;
}

/** The row of that version, or the highest version when none is asked for. */
export function pickVersion<T extends { version: string }>(rows: T[], version: string | undefined): T | undefined {
  if (version) return rows.find((r) => r.version === version);
  let best: T | undefined;
  for (const r of rows) if (!best || compareVersions(best.version, r.version) < 0) best = r;
  return best;
}

/** The file name on the endpoint when none is given: the url's last part, else the tool's name. */
export function defaultFilename(name: string, url: string | undefined): string {
  if (url) {
    try {
      const last = new URL(url).pathname.split("/").filter(Boolean).pop();
      if (last) return decodeURIComponent(last);
    } catch {
      /* not a URL: fall through */
    }
  }
  return name;
}
