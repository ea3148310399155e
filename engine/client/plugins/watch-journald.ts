// watch_journald(): new systemd journal entries as Velociraptor's rows (journal-row.ts), read
// from the endpoint's journal source (journalctl as a child process on Linux). Without
// `filename` it follows the system journal (Talon: Velociraptor requires the journal files).
import { arg, definePlugin, abortable } from "@/engine/vql";
import { eventStream } from "@/engine/vql/builtins/events/event-stream";
import { agentHost } from "./host";
import { journalRow } from "@/engine/client/plugins/journal-row";
import { accessorProblem } from "@/engine/endpoint/builtins/values";

export const watchJournaldPlugin = definePlugin({
  name: "watch_journald",
  category: "client",
  doc:
    "Follows the systemd journal and yields each new entry: System {Seq, Timestamp, _PID, _UID, _COMM, ...} and " +
    "EventData {MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, ...}; with raw, Timestamp and every field as text. " +
    "Needs journalctl on the endpoint; without `filename`, the system journal.",
  args: {
    filename: arg.list(arg.string()).doc("Journal files to follow (default: the system journal)."),
    accessor: arg.string().default("auto").doc("auto or file (the local file system)."),
    raw: arg.bool().default(false).doc("Every field as text, not split into System and EventData."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  run({ filename, accessor, raw }, ctx) {
    const events = agentHost(ctx.host).system.events;
    const refused = accessorProblem(accessor, "watch_journald") ?? (!events ? "watch_journald: this endpoint has no event sources" : undefined);
    if (refused !== undefined || !events) {
      ctx.log("ERROR", refused ?? "");
      return [];
    }
    // A failure (no journalctl, journalctl exiting) is logged by eventStream() as `watch_journald: ...`.
    return eventStream(ctx, async function* (signal) {
      for await (const entry of abortable(events.journal({ files: filename?.length ? filename : undefined, signal }), signal)) yield journalRow(entry, raw);
    });
  },
});
