import { describe, expect, it } from "vitest";
import { loadArtifact } from "@/engine/artifacts";
import { artifactVqlChecker } from "./artifact-checker";

const messages = (yaml: string) => loadArtifact(yaml, { checkVql: artifactVqlChecker() }).diagnostics.map((d) => `${d.code} ${d.message}`);
const artifact = (type: string, query: string) => `name: Custom.Test\ntype: ${type}\nsources:\n  - query: |\n      ${query}\n`;

describe("artifactVqlChecker()", () => {
  it("knows the agent's builtins and their arguments in CLIENT artifacts", () => {
    expect(messages(artifact("CLIENT", "SELECT * FROM glob(globs='/etc/*')"))).toEqual([]);
    // The agent's glob() takes Velociraptor's recursion_callback; an argument no glob() has is caught.
    expect(messages(artifact("CLIENT", "SELECT * FROM glob(globs='/etc/*', recursion_callback='x => true')"))).toEqual([]);
    expect(messages(artifact("CLIENT", "SELECT * FROM glob(globs='/etc/*', recurse=TRUE)"))).toEqual(["VQL2003 unexpected argument `recurse` to `glob()`"]);
    expect(messages(artifact("CLIENT_EVENT", "SELECT * FROM pslst()"))).toEqual(["VQL2002 unknown plugin `pslst`; did you mean `pslist`?"]);
  });

  it("says where a builtin runs when an artifact calls one of the other side", () => {
    expect(messages(artifact("CLIENT", "SELECT * FROM clients()"))).toEqual(["VQL2009 `clients` is available on the server, not on endpoints"]);
    expect(messages(artifact("SERVER", "SELECT * FROM connections()"))).toEqual([
      "VQL2008 `connections` is available on endpoints, not on the server: run it with `collect_client()` or in a CLIENT artifact",
    ]);
    // Portable builtins run on both sides.
    expect(messages(artifact("CLIENT", "SELECT upcase(string='x') AS X FROM scope()"))).toEqual([]);
  });
});
