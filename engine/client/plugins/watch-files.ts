// watch_files(): file changes as they happen (inotify on Linux), for Linux.Detection.FileChanges.
// Talon's own plugin (Velociraptor has no inotify watcher): glob()'s pattern arguments, and one
// row per change with glob()'s file columns plus Time and Action.
import { arg, definePlugin, abortable, Timestamp } from "@/engine/vql";
import { eventStream } from "@/engine/vql/builtins/events/event-stream";
import { agentHost } from "./host";
import { accessorProblem, ts } from "@/engine/endpoint/builtins/values";

export const watchFilesPlugin = definePlugin({
  name: "watch_files",
  category: "client",
  doc:
    "Watches files matching glob patterns and yields a row each time one is created, modified or deleted: " +
    "Time, Action (created, modified, deleted), OSPath, Name, Size, Mode, IsDir, Mtime (a deleted file as last seen). " +
    "Directories on the way to the matches are watched too, so files in directories created later are seen.",
  args: {
    globs: arg.list(arg.string()).required().doc("Patterns to watch (glob() syntax); relative ones start at root."),
    root: arg.string().doc("Directory relative patterns start from (default /)."),
    accessor: arg.string().default("auto").doc("auto or file (the local file system)."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  run({ globs, root, accessor }, ctx) {
    const events = agentHost(ctx.host).system.events;
    const refused = accessorProblem(accessor, "watch_files") ?? (!events ? "watch_files: this endpoint has no event sources" : undefined);
    if (refused !== undefined || !events) {
      ctx.log("ERROR", refused ?? "");
      return [];
    }
    const onReady = (n: number) => ctx.log("INFO", `watch_files: watching ${n} directories`);
    return eventStream(ctx, async function* (signal) {
      for await (const c of abortable(events.watchFiles(globs, { root, signal, onReady }), signal)) {
        const f = c.Info;
        yield { Time: Timestamp.fromMillis(ctx.now()), Action: c.Action, OSPath: c.OSPath, Name: f.Name, Size: f.Size, Mode: f.Mode, IsDir: f.IsDir, Mtime: ts(f.Mtime) };
      }
    });
  },
});
