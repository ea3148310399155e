// What an agent is given for one tool: its Tool_<name>_* variables (Velociraptor's launcher,
// AddToolDependency: HASH, FILENAME, VERSION, URL and URLs, the JSON list of URLs to try), or
// why the tool cannot be delivered (the server never downloads a tool itself).
import { ServiceError, type InventoryTool } from "@/engine/server/contracts";

/** Refuses a tool agents could not fetch; the reason names the tool and what to do. */
export function checkDeliverable(t: InventoryTool): void {
  if (t.serveLocally && t.size === undefined) {
    throw new ServiceError("bad_request", `tool ${t.name} is served locally but the server has no file for it (Talon never downloads tools itself): upload it with inventory_add(tool="${t.name}", file=...)`);
  }
  if (!t.serveUrl) {
    const hint = t.githubProject ? ` (Talon does not resolve GitHub releases of ${t.githubProject})` : "";
    throw new ServiceError("bad_request", `tool ${t.name} has no url and no file${hint}: add it with inventory_add(tool="${t.name}", url=...) or inventory_add(tool="${t.name}", file=...)`);
  }
}

export function toolEnv(t: InventoryTool): Record<string, string> {
  const p = `Tool_${t.name}_`;
  return {
    [`${p}HASH`]: t.hash,
    [`${p}FILENAME`]: t.filename,
    [`${p}VERSION`]: t.version,
    [`${p}URL`]: t.serveUrl,
    [`${p}URLs`]: JSON.stringify([t.serveUrl]),
  };
}
