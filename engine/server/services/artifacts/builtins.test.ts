// Every built-in definition must load without errors, be named after its path, and (once the
// list exists) cover the artifacts later issues rely on.
import { describe, expect, it } from "vitest";
import { formatDiagnostic, loadArtifact } from "@/engine/artifacts";
import { BUILTIN_DEFINITIONS_DIR, nameFromPath, readArtifactFiles } from "./files";

const files = await readArtifactFiles([BUILTIN_DEFINITIONS_DIR]);
const names = new Set(files.map((f) => loadArtifact(f.text, { skipVql: true }).artifact?.name));

describe("built-in artifacts", () => {
  it.each(files.map((f) => [nameFromPath(BUILTIN_DEFINITIONS_DIR, f.path), f] as const))("%s loads without errors and is named after its path", (expected, f) => {
    const r = loadArtifact(f.text, { expectedName: expected, isKnownArtifact: (n) => names.has(n) });
    const problems = r.diagnostics.filter((d) => d.severity === "error" || d.code.startsWith("ART"));
    expect(problems.map((d) => formatDiagnostic(f.path, f.text, d))).toEqual([]);
    expect(r.artifact?.name).toBe(expected);
  });

  it("include the artifacts the server and later issues depend on", () => {
    for (const n of [
      "Generic.Client.Info",
      "Generic.Client.Stats",
      "System.Flow.Completion",
      "System.Hunt.Creation",
      "Server.Internal.Alerts",
      "Server.Internal.Label",
      "Server.Internal.Interrogation",
      "Server.Audit.Logs",
      "Notebooks.Default",
      "Linux.Sys.Pslist",
      "Linux.Sys.Users",
      "Linux.Search.FileFinder",
      "Linux.Sys.Uptime",
      "Linux.Events.ProcessCreation",
      "Linux.Events.SSHLogin",
      "Linux.Events.TrackAccount",
      "Linux.Detection.FileChanges",
    ]) {
      expect(names, n).toContain(n);
    }
  });

  it("the client event artifacts are CLIENT_EVENT and run only on Linux (Generic.Client.Stats everywhere)", () => {
    const typeOf = (n: string) => {
      const a = loadArtifact(files.find((f) => nameFromPath(BUILTIN_DEFINITIONS_DIR, f.path) === n)!.text).artifact!;
      return [a.type, a.precondition?.text.trim() ?? null];
    };
    for (const n of ["Linux.Events.ProcessCreation", "Linux.Events.SSHLogin", "Linux.Events.TrackAccount", "Linux.Detection.FileChanges"]) expect(typeOf(n), n).toEqual(["CLIENT_EVENT", "SELECT OS FROM info() WHERE OS = 'linux'"]);
    expect(typeOf("Generic.Client.Stats")).toEqual(["CLIENT_EVENT", null]);
  });

  it("Generic.Client.Info's BasicInformation returns the columns the client record is built from", () => {
    const f = files.find((x) => x.path.endsWith("Generic/Client/Info.yaml"))!;
    const a = loadArtifact(f.text).artifact!;
    const basic = a.sources.find((s) => s.name === "BasicInformation")!;
    for (const col of ["Hostname", "Fqdn", "OS", "Platform", "PlatformVersion", "KernelVersion", "Architecture"]) expect(basic.query!.text).toMatch(new RegExp(`\\b${col}\\b`));
    expect(a.sources.map((s) => s.name)).toContain("Users");
  });
});
