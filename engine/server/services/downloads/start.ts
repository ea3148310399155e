// Builds the downloads service: flow and hunt archives and one flow source as CSV/JSON, streamed (see docs/downloads.md).
import type { DownloadsService } from "@/engine/server/contracts";
import type { DownloadsDeps } from "./deps";
import { flowZip } from "./flow";
import { flowSourceFile } from "./flow-source";
import { huntZip } from "./hunt";

export function startDownloads(deps: DownloadsDeps, signal: AbortSignal): DownloadsService {
  const chained = (s?: AbortSignal) => (s ? AbortSignal.any([s, signal]) : signal);
  return {
    flowSource: (actor, p) => flowSourceFile(deps, actor, { ...p, signal: chained(p.signal) }),
    flowZip: (actor, p) => flowZip(deps, actor, { ...p, signal: chained(p.signal) }),
    huntZip: (actor, p) => huntZip(deps, actor, { ...p, signal: chained(p.signal) }),
  };
}
