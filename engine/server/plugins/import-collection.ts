// import_collection(): reads an offline-collection container (collect()'s output, or
// Velociraptor's offline collector's) from the server's file system and stores it as a
// finished flow (services/flows/import-collection.ts). Velociraptor's
// vql/tools/collector/import.go: COLLECT_SERVER, `auto` (or no client_id) picks the client
// with `hostname` or makes a new one; returns the collection context.
import { abortable, arg, defineFunction, type Builtin } from "@/engine/vql";
import { accessorProblem } from "@/engine/endpoint/builtins/values";
import { guarded } from "./clients";
import { serverHost } from "./host";
import { toVql } from "./values";

/** The largest container read (it is held in memory while it is imported). */
export const MAX_CONTAINER_BYTES = 2 * 1024 * 1024 * 1024 - 1;

export const importCollectionFunction = defineFunction({
  name: "import_collection",
  category: "server",
  doc: "Imports an offline collection container (a collect() ZIP on the server's file system) as a finished flow of a client; returns its collection context.",
  args: {
    client_id: arg.string().doc("The client to import into; `auto` (or none) uses the client with `hostname`, or makes a new one."),
    hostname: arg.string().doc("The hostname of the client to find or create with `auto`."),
    filename: arg.string().required().doc("The container's path on the server."),
    accessor: arg.string().default("auto").doc("auto or file."),
    import_type: arg.string().doc("collector (or anything else but hunt: told apart by the container); hunt containers are not imported."),
  },
  permissions: ["COLLECT_SERVER", "FILESYSTEM_READ"],
  platforms: ["server"],
  sideEffects: true,
  async run({ client_id, hostname, filename, accessor, import_type }, ctx) {
    const host = serverHost(ctx.host);
    const problem = accessorProblem(accessor, "import_collection");
    if (problem) {
      ctx.log("ERROR", problem);
      return null;
    }
    if (import_type === "hunt") {
      ctx.log("ERROR", "import_collection: import_type hunt is not supported (Talon does not import hunt containers)");
      return null;
    }
    if (!host.system) {
      ctx.log("ERROR", "import_collection: this server cannot read its files here");
      return null;
    }
    const fs = host.system.fs;
    const zip = await guarded(
      ctx,
      async () => {
        const parts: Uint8Array[] = [];
        let size = 0;
        for await (const c of abortable(fs.read(filename, { signal: ctx.signal }), ctx.signal)) {
          size += c.length;
          if (size > MAX_CONTAINER_BYTES) throw new Error(`${filename} is larger than ${MAX_CONTAINER_BYTES} bytes`);
          parts.push(c);
        }
        return new Uint8Array(Buffer.concat(parts));
      },
      null,
    );
    if (!zip) return null;
    const context = await guarded(ctx, () => host.services.flows.importCollection(host.principal, { clientId: client_id || "auto", hostname, zip }), null);
    return context ? toVql(context) : null;
  },
});

export const importCollectionBuiltins: readonly Builtin[] = [importCollectionFunction];
