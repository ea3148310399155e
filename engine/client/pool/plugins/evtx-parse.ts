// parse_evtx() on a pooled Windows endpoint: the records already in its synthetic event logs
// (the Defender operational log's last days, the Security and Sysmon logs' latest records), as
// Velociraptor's parse_evtx() gives them (System, EventData, Message), oldest first. Unlike
// watch_evtx() it ends when the records are read.
import { accessorProblem } from "@/engine/endpoint/builtins/values";
import { definePlugin } from "@/engine/vql";
import { evtxArgs } from "./evtx";
import { syntheticEvents } from "./stream";

export const parseEvtxPlugin = definePlugin({
  name: "parse_evtx",
  category: "parsers",
  doc: "Parses the records of EVTX files (pooled endpoints: Microsoft-Windows-Windows Defender%4Operational.evtx, Security.evtx and Microsoft-Windows-Sysmon%4Operational.evtx have synthetic records).",
  args: evtxArgs("A list of event log files to parse."),
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  async *run({ filename, accessor }, ctx) {
    const problem = accessorProblem(accessor, "parse_evtx");
    if (problem) {
      ctx.log("ERROR", problem);
      return;
    }
    const events = syntheticEvents(ctx);
    if (!events) return;
    const { rows, problems } = events.evtxRecords(filename);
    for (const p of problems) ctx.log("WARN", `parse_evtx: ${p}`);
    for (let i = 0; i < rows.length; i++) {
      if ((i & 255) === 0) ctx.signal.throwIfAborted();
      yield rows[i];
    }
  },
});
