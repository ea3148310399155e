// watch_syslog(): Velociraptor's follower of line-delimited text files (syslog or any other
// log), with its arguments and rows (OSPath, Line). The files are polled every second (the
// endpoint's followLines() handles rotation and truncation); `query` is re-run every 3 s, as
// Velociraptor does, to add the files it finds (read from their start) and drop the ones gone.
// Runs as an eventStream(), so closing it (an inner LIMIT) stops the timer and closes the files.
import { setInterval } from "node:timers/promises";
import { arg, definePlugin, untilAborted } from "@/engine/vql";
import { eventStream } from "@/engine/vql/builtins/events/event-stream";
import type { QueryArg } from "@/engine/vql/builtins/types";
import { dictGet, isDictLike } from "@/engine/vql/values/ordered-dict";
import { agentHost } from "./host";
import type { LineFollower } from "@/engine/endpoint/builtins/system";
import { accessorProblem } from "@/engine/endpoint/builtins/values";

const POLL_MS = 1000;
const QUERY_MS = 3000;

async function pathsOf(query: QueryArg, signal: AbortSignal): Promise<string[]> {
  const paths: string[] = [];
  for await (const row of query.rows()) {
    signal.throwIfAborted();
    const p = isDictLike(row) ? dictGet(row, "OSPath") : undefined;
    if (p !== undefined && p !== null && p !== "") paths.push(String(p));
  }
  return paths;
}

export const watchSyslogPlugin = definePlugin({
  name: "watch_syslog",
  category: "client",
  doc:
    "Follows line-delimited text files like `tail -F` and yields each new line: OSPath, Line. Starts at the end of each file; " +
    "a file that does not exist yet is read from its start when it appears; rotation and truncation are followed. " +
    "`query` runs every 3 s to find the files to follow; files it adds later are read from their start.",
  args: {
    filename: arg.list(arg.string()).doc("Files to follow."),
    accessor: arg.string().default("auto").doc("auto or file (the local file system)."),
    buffer_size: arg.int().default(16 * 1024).min(1).doc("Longest line in bytes; a longer line comes in pieces."),
    query: arg.query().doc("Run periodically to find files to follow: rows with an OSPath column."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  run({ filename, accessor, buffer_size, query }, ctx) {
    const events = agentHost(ctx.host).system.events;
    const refused =
      accessorProblem(accessor, "watch_syslog") ??
      (!events ? "watch_syslog: this endpoint has no event sources" : !filename?.length && !query ? "watch_syslog: needs `filename` or `query`" : undefined);
    if (refused !== undefined || !events) {
      ctx.log("ERROR", refused ?? "");
      return [];
    }
    return eventStream(ctx, async function* (signal) {
      const fixed = new Set(filename ?? []);
      const followers = new Map<string, LineFollower>();
      const lastError = new Map<string, string>();
      const add = async (path: string, fromStart: boolean) => {
        if (followers.has(path)) return;
        followers.set(path, await untilAborted(events.followLines(path, { fromStart, bufferSize: buffer_size }), signal));
      };
      const refresh = async (q: QueryArg) => {
        const found = new Set(await pathsOf(q, signal));
        for (const [path, f] of followers) {
          if (fixed.has(path) || found.has(path)) continue;
          followers.delete(path);
          await f.close();
        }
        for (const path of found) await add(path, true);
      };

      try {
        for (const path of fixed) await add(path, false);
        if (query) for (const path of await pathsOf(query, signal)) await add(path, false);
        ctx.log("INFO", `watch_syslog: following ${[...followers.keys()].join(", ") || "no files yet"}`);
        let queried = ctx.now();
        for await (const _ of setInterval(POLL_MS, undefined, { signal })) {
          for (const [path, f] of followers) {
            let lines: string[];
            try {
              lines = await untilAborted(f.poll(), signal);
              lastError.delete(path);
            } catch (err) {
              signal.throwIfAborted();
              const message = `watch_syslog: ${path}: ${(err as Error).message}`;
              if (lastError.get(path) !== message) ctx.log("ERROR", message);
              lastError.set(path, message);
              continue;
            }
            for (const line of lines) yield { OSPath: path, Line: line };
          }
          if (query && ctx.now() - queried >= QUERY_MS) {
            queried = ctx.now();
            await refresh(query);
          }
        }
      } finally {
        for (const f of followers.values()) await f.close().catch(() => {});
      }
    });
  },
});
