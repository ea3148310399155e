// import(): Velociraptor's import() (vql/server/repository.go) brings an artifact's `export`
// section into the calling query: its statements run and the LETs it defines are visible to the
// rest of the run (BuiltinContext.importDefinitions; Velociraptor appends them to the query's
// scope). Returns the export text ("" when the artifact exports nothing). Server only, as in
// Velociraptor: notebooks and server artifacts use it; the agent has no repository to read.
import { arg, defineFunction, type Builtin } from "../../vql";
import { serverHost } from "./host";

export const importFunction = defineFunction({
  name: "import",
  category: "server",
  doc: "Imports an artifact's export section (its LET definitions) into the current query: later statements can use them.",
  args: {
    artifact: arg.string().required().doc("The artifact to import."),
  },
  platforms: ["server"],
  impure: true,
  async run({ artifact }, ctx) {
    ctx.signal.throwIfAborted();
    const { services } = serverHost(ctx.host);
    const definition = services.artifacts.get(artifact);
    if (!definition) {
      ctx.log("ERROR", `import: Artifact '${artifact}' not found`);
      return null;
    }
    const text = definition.export?.text ?? "";
    if (!text) return "";
    try {
      await ctx.importDefinitions(text);
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      ctx.log("ERROR", `import: Artifact '${artifact}': ${(e as Error).message}`);
      return null;
    }
    return text;
  },
});

export const importBuiltins: readonly Builtin[] = [importFunction];
