// wmi_events() on a pooled Windows endpoint: process starts as Win32_ProcessStartTrace objects
// (Raw MOF text and Parse: ParentProcessID, ProcessID, ProcessName, SessionID, Sid,
// TIME_CREATED) or as __InstanceCreationEvent of Win32_Process. As in Velociraptor the watch
// ends after `wait` seconds.
import { arg, definePlugin } from "@/engine/vql";
import { streamRows, syntheticEvents } from "./stream";

export const wmiEventsPlugin = definePlugin({
  name: "wmi_events",
  category: "event",
  doc: "Run an evented WMI query (pooled endpoints: Win32_ProcessStartTrace and __InstanceCreationEvent of Win32_Process get synthetic events); rows have Raw and Parse. Ends after `wait` seconds.",
  args: {
    query: arg.string().required().doc("The WMI event query."),
    namespace: arg.string().default("ROOT/CIMV2").doc("The WMI namespace."),
    wait: arg.int().required().doc("Wait this many seconds for events, then end."),
  },
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  async *run({ query, wait }, ctx) {
    const events = syntheticEvents(ctx);
    if (!events) return;
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(Math.max(0, Math.min(wait, 2 ** 31 / 1000 - 1)) * 1000)]);
    try {
      yield* streamRows(events.wmi(query, signal), ctx, { signal });
    } catch (e) {
      if (!(signal.aborted && !ctx.signal.aborted)) throw e;
    }
  },
});
