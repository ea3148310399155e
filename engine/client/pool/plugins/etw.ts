// watch_etw() on a pooled Windows endpoint: Velociraptor's arguments and row shape (System with
// ID, ProcessID, TimeStamp, Provider, OpCode; ProviderGUID; EventData). The Sysmon provider
// carries the endpoint's process creations, network connections, files and DNS queries;
// Microsoft-Windows-Kernel-Process its process starts. Keywords, level and kernel tracer
// options are accepted and do not filter.
import { arg, definePlugin } from "@/engine/vql";
import { streamRows, syntheticEvents } from "./stream";

const GUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;

export const watchEtwPlugin = definePlugin({
  name: "watch_etw",
  category: "event",
  doc: "Watch for events from an ETW provider (pooled endpoints: Sysmon {5770385f-c22a-43e0-bf4c-06f5698ffbd9} and Microsoft-Windows-Kernel-Process {22fb2cd6-0e7b-422b-a0c7-2fad1fd0e716} carry synthetic events). Never ends on its own.",
  args: {
    name: arg.string().doc("A session name."),
    guid: arg.string().required().doc("The provider GUID to watch."),
    any: arg.int().doc("Any keywords (accepted, not used)."),
    all: arg.int().doc("All keywords (accepted, not used)."),
    level: arg.int().doc("Log level 0-5 (accepted, not used)."),
    stop: arg.string().doc("A lambda: stop watching when it returns true for an event."),
    timeout: arg.int().doc("Stop after this many seconds."),
    capture_state: arg.bool().doc("Capture the provider's state (accepted, not used)."),
    enable_map_info: arg.bool().doc("Resolve map information (accepted, not used)."),
    description: arg.string().doc("A description of the provider."),
    kernel_tracer_type: arg.list(arg.string()).doc("Kernel tracer event types (accepted, not used)."),
    kernel_tracer_stacks: arg.list(arg.string()).doc("Kernel tracer event types with stacks (accepted, not used)."),
  },
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  async *run({ guid, stop, timeout }, ctx) {
    if (!GUID.test(guid.trim())) {
      ctx.log("ERROR", `watch_etw: \`${guid}\` is not a GUID`);
      return;
    }
    const events = syntheticEvents(ctx);
    if (!events) return;
    const signal = timeout && timeout > 0 ? AbortSignal.any([ctx.signal, AbortSignal.timeout(timeout * 1000)]) : ctx.signal;
    const keep = stop ? async (row: unknown) => ((await ctx.isTruthy(await ctx.evalLambda(stop, [row]))) ? ("stop" as const) : ("keep" as const)) : undefined;
    try {
      yield* streamRows(events.etw(guid, signal), ctx, { signal, keep });
    } catch (e) {
      // The timeout ends the watch like Velociraptor's: quietly, not as an error.
      if (!(signal.aborted && !ctx.signal.aborted)) throw e;
    }
  },
});
