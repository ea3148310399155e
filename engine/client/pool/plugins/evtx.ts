// watch_evtx() on a pooled Windows endpoint: new records of the Security log (logons 4624,
// failures 4625, logoffs 4634, process creation 4688) and of the Sysmon operational log, as
// parse_evtx() gives them (System, EventData, Message). Like Velociraptor it starts at the end
// of the log: only records written after the call.
import { accessorProblem } from "@/engine/endpoint/builtins/values";
import { arg, definePlugin } from "@/engine/vql";
import { streamRows, syntheticEvents } from "./stream";

/** watch_evtx's and parse_evtx's arguments (Velociraptor gives both the same). */
export function evtxArgs(filenameDoc: string) {
  return {
    filename: arg.list(arg.string()).required().doc(filenameDoc),
    accessor: arg.string().doc("The accessor to use (auto or file)."),
    messagedb: arg.string().doc("A message database (accepted, not used: Message is always filled)."),
    workers: arg.int().doc("Parsing workers (accepted, not used)."),
  };
}

export const watchEvtxPlugin = definePlugin({
  name: "watch_evtx",
  category: "event",
  doc: "Watch EVTX files and stream their new events (pooled endpoints: Security.evtx and Microsoft-Windows-Sysmon%4Operational.evtx get synthetic records). Never ends on its own.",
  args: evtxArgs("The event log files to watch."),
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  async *run({ filename, accessor }, ctx) {
    const problem = accessorProblem(accessor, "watch_evtx");
    if (problem) {
      ctx.log("ERROR", problem);
      return;
    }
    const events = syntheticEvents(ctx);
    if (!events) return;
    yield* streamRows(events.evtx(filename, ctx.signal), ctx);
  },
});
