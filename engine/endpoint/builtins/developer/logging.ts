// logging(): Velociraptor's "watch the logs emitted by the server" (and by an agent, on an
// agent): each new line of the process's log as {Time, Level, Msg}, `prelog` first giving the
// lines still in the memory ring. Reads the ring through ctx.host.diagnostics, asking for the
// lines after the last one seen every POLL_MS (in a query worker that is a call to the thread
// that logs; lines past the ring's capacity between two polls are lost, as a slow Velociraptor
// listener loses them). Components are `server` and `client` (Velociraptor's generic, client,
// frontend, gui, api and tool all name parts of one log here: see docs/vql-differences.md).
import { arg, definePlugin, Timestamp, untilAborted } from "@/engine/vql";
import { diagnosticsOf } from "@/engine/endpoint/diagnostics/diagnostics";
import type { LogLine } from "@/engine/endpoint/diagnostics/log-ring";

export const POLL_MS = 250;

/** Velociraptor's component names, and which Talon log each watches. */
const COMPONENTS: Record<string, "server" | "client" | "any"> = {
  generic: "any",
  client: "client",
  frontend: "server",
  gui: "server",
  api: "server",
  tool: "any",
  server: "server",
};

const row = (l: LogLine) => ({ Time: Timestamp.fromDate(new Date(l.time)), Level: l.level, Msg: l.msg });

export const loggingPlugin = definePlugin({
  name: "logging",
  category: "server",
  doc: "Watch the logs emitted by the server (on an agent, by the agent): {Time, Level, Msg} for each new line; never ends by itself.",
  args: {
    component: arg.list(arg.string()).doc("Requested component (default all components): generic, client, frontend, gui, api, tool."),
    prelog: arg.bool().doc("Include all logs up to this point."),
  },
  permissions: ["SERVER_ADMIN"],
  platforms: ["client"],
  version: 2,
  async *run({ component, prelog }, ctx) {
    const d = diagnosticsOf(ctx.host);
    const wanted = new Set<string>();
    for (const c of component?.length ? component : Object.keys(COMPONENTS)) {
      const to = COMPONENTS[c.toLowerCase()];
      if (!to) ctx.log("ERROR", `logging: Unknown component ${c}: The following are supported ${Object.keys(COMPONENTS).join(", ")}`);
      else wanted.add(to);
    }
    if (!wanted.size) return;
    const matches = (l: LogLine) => wanted.has("any") || wanted.has(l.component);
    const first = await untilAborted(Promise.resolve(d.logs(0)), ctx.signal);
    let after = first.length ? first[first.length - 1]!.seq : 0;
    if (prelog) for (const l of first) if (matches(l)) yield row(l);
    for (;;) {
      ctx.signal.throwIfAborted();
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, POLL_MS);
        function done() {
          clearTimeout(t);
          ctx.signal.removeEventListener("abort", done);
          resolve();
        }
        ctx.signal.addEventListener("abort", done, { once: true });
      });
      ctx.signal.throwIfAborted();
      for (const l of await untilAborted(Promise.resolve(d.logs(after)), ctx.signal)) {
        after = l.seq;
        if (matches(l)) yield row(l);
      }
    }
  },
});
