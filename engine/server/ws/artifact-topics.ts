// The live topic of the Artifacts pages, `artifacts:changes` ({type: "artifact-changed",
// artifact, op, principal, from?}), followed from Server.Internal.ArtifactModification by every
// process for its own browsers. Subscribing needs READ_RESULTS.
import { ARTIFACT_MODIFICATION_QUEUE, type Journal, type Logger, type UiHub } from "@/engine/server/contracts";

export function followArtifactEvents(deps: { journal: Pick<Journal, "subscribe">; ui: Pick<UiHub, "publishLocal" | "authorize">; log: Logger }, signal: AbortSignal): void {
  deps.ui.authorize("artifacts", (p) => p.permissions.has("READ_RESULTS"));
  void (async () => {
    for await (const e of deps.journal.subscribe(ARTIFACT_MODIFICATION_QUEUE, { signal })) deps.ui.publishLocal("artifacts:changes", { type: "artifact-changed", ...e.payload });
  })().catch((err) => {
    if (!signal.aborted) deps.log.error("the artifacts topic stopped following the journal", { error: (err as Error).message });
  });
}
