// upload(): sends a file to the server as part of the running collection; the server stores it
// with its SHA-256 under its data dir. Returns Velociraptor's upload dict.
import { arg, defineFunction, OrderedDict } from "../../vql";
import { abortable, untilAborted } from "../../vql";
import { agentHost } from "./host";
import { accessorProblem } from "@/engine/endpoint/builtins/values";

export const uploadFunction = defineFunction({
  name: "upload",
  category: "client",
  doc: "Uploads a file to the server within the current collection: returns {Path, Size, StoredSize, sha256, Components}.",
  args: {
    file: arg.string().required().doc("The file to upload."),
    name: arg.string().doc("Name to store it under (default: the file's path)."),
    accessor: arg.string().default("auto").doc("auto or file."),
    // Velociraptor records these times with the upload's metadata (vql/networking/upload.go);
    // Talon's stored uploads keep no file times, so they are accepted and not recorded
    // (docs/vql-differences.md).
    mtime: arg.any().doc("Modified time to record (accepted; Talon does not record upload times)."),
    atime: arg.any().doc("Access time to record (accepted; not recorded)."),
    ctime: arg.any().doc("Change time to record (accepted; not recorded)."),
    btime: arg.any().doc("Birth time to record (accepted; not recorded)."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["client"],
  async run({ file, name, accessor }, ctx) {
    const host = agentHost(ctx.host);
    const problem = accessorProblem(accessor, "upload");
    if (problem) {
      ctx.log("ERROR", problem);
      return null;
    }
    if (!host.flow) {
      ctx.log("ERROR", "upload: uploads only work inside a collection");
      return null;
    }
    const stored = name || file;
    try {
      const r = await untilAborted(host.flow.responder.upload(stored, abortable(host.system.fs.read(file, { signal: ctx.signal }), ctx.signal), host.flow.artifact), ctx.signal);
      return new OrderedDict([
        ["Path", stored],
        ["Size", r.size],
        ["StoredSize", r.size],
        ["sha256", r.sha256],
        ["Components", stored.split("/").filter(Boolean)],
      ]);
    } catch (err) {
      ctx.signal.throwIfAborted();
      ctx.log("ERROR", `upload: ${(err as Error).message}`);
      return null;
    }
  },
});
