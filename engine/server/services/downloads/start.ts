// Builds the downloads service: flow and hunt archives, streamed (see docs/downloads.md).
import type { DownloadsService } from "@/engine/server/contracts";
import type { DownloadsDeps } from "./deps";
import { flowZip } from "./flow";
import { huntZip } from "./hunt";

export function startDownloads(deps: DownloadsDeps, signal: AbortSignal): DownloadsService {
  const chained = (s?: AbortSignal) => (s ? AbortSignal.any([s, signal]) : signal);
  return {
    flowZip: (actor, p) => flowZip(deps, actor, { ...p, signal: chained(p.signal) }),
    huntZip: (actor, p) => huntZip(deps, actor, { ...p, signal: chained(p.signal) }),
  };
}
