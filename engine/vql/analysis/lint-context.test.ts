import { describe, expect, it } from "vitest";
import { parse } from "../parser/parse";
import type { DescriptorLike } from "./descriptors";
import { lint, type LintOptions } from "./lint";

/** Server-side builtins (hand-made; the real ones come from describeBuiltins()). */
const server: DescriptorLike[] = [
  { name: "if", kind: "plugin", args: [{ name: "condition", required: true }, { name: "then", required: false }] },
  { name: "parse_lines", kind: "plugin", args: [{ name: "filename", required: true }] },
  { name: "plist", kind: "plugin", args: [{ name: "file", required: true }] },
  { name: "source", kind: "plugin", args: [{ name: "artifact", required: false }, { name: "client_id", required: false }] },
  { name: "collect_client", kind: "function", args: [{ name: "client_id", required: true }, { name: "artifacts", required: true }] },
  { name: "scope", kind: "plugin", args: [] },
];
/** The agent's builtins. */
const endpoint: DescriptorLike[] = [
  { name: "info", kind: "plugin", args: [] },
  { name: "pslist", kind: "plugin", args: [{ name: "pid", required: false }] },
  { name: "glob", kind: "plugin", args: [{ name: "globs", required: true }, { name: "root", required: false }] },
  { name: "read_file", kind: "function", args: [{ name: "filename", required: true }] },
];
const onServer: LintOptions = { elsewhere: { where: "endpoints", descriptors: endpoint } };
const messages = (text: string, opts: LintOptions = onServer) => lint(parse(text), server, opts).map((d) => `${d.code} ${d.message}`);

describe("lint() with builtins that run elsewhere", () => {
  it("says an agent plugin runs on endpoints instead of guessing a server name", () => {
    // `info` is one edit from `if`, but it is a real builtin, just not a server one.
    expect(messages("SELECT * FROM info()")).toEqual([
      "VQL2008 `info` is available on endpoints, not on the server: run it with `collect_client()` or in a CLIENT artifact",
    ]);
    expect(messages("SELECT read_file(filename='/x') FROM scope()")).toEqual([
      "VQL2008 `read_file` is available on endpoints, not on the server: run it with `collect_client()` or in a CLIENT artifact",
    ]);
  });

  it("still checks the arguments of a builtin that runs elsewhere", () => {
    expect(messages("SELECT * FROM glob(globs='/x', recursion_callback='y')")).toEqual([
      "VQL2008 `glob` is available on endpoints, not on the server: run it with `collect_client()` or in a CLIENT artifact",
      "VQL2003 unexpected argument `recursion_callback` to `glob()`",
    ]);
  });

  it("offers the nearest builtin of any context for an unknown name", () => {
    // pslis -> pslist is one insertion; plist and parse_lines are further.
    expect(messages("SELECT * FROM pslis()")).toEqual(["VQL2002 unknown plugin `pslis`; did you mean `pslist`?"]);
    // Without the agent's list only server names are candidates, and none is within a third
    // of the name's length (plist is two edits away).
    expect(messages("SELECT * FROM pslis()", {})).toEqual(["VQL2002 unknown plugin `pslis`"]);
  });

  it("in a CLIENT artifact a server builtin is the one that runs elsewhere", () => {
    const text = "SELECT * FROM source(artifact='X')";
    const d = lint(parse(text), endpoint, { elsewhere: { where: "server", descriptors: server } });
    expect(d.map((x) => `${x.code} ${x.message}`)).toEqual(["VQL2009 `source` is available on the server, not on endpoints"]);
  });
});

describe("lint() with the artifact names", () => {
  const artifacts = ["Linux.Sys.Pslist", "Generic.Client.Info", "Windows.System.Pslist"];
  const withArtifacts = (text: string) => lint(parse(text), server, { artifacts }).map((d) => `${d.code} ${d.message}@${text.slice(d.span.start, d.span.end)}`);

  it("warns about an unknown artifact in source(), with the nearest name", () => {
    expect(withArtifacts('SELECT * FROM source(artifact="Linux.Sys.Pslistt")')).toEqual([
      'VQL2010 no artifact `Linux.Sys.Pslistt`; did you mean `Linux.Sys.Pslist`?@"Linux.Sys.Pslistt"',
    ]);
    expect(withArtifacts('SELECT * FROM source(artifact="Linux.Sys.Pslist/Default")')).toEqual([]);
    expect(withArtifacts("SELECT * FROM source(artifact=Name)")).toEqual([]);
  });

  it("checks every name of collect_client(artifacts=[...]) and Artifact.X() calls", () => {
    expect(withArtifacts("SELECT collect_client(client_id='C.1', artifacts=['Generic.Client.Info', 'Nope.Thing']) FROM scope()")).toEqual([
      "VQL2010 no artifact `Nope.Thing`@'Nope.Thing'",
    ]);
    expect(withArtifacts("SELECT * FROM Artifact.Generic.Client.Infoo()")).toEqual([
      "VQL2010 no artifact `Generic.Client.Infoo`; did you mean `Generic.Client.Info`?@Artifact.Generic.Client.Infoo",
    ]);
    expect(withArtifacts("SELECT * FROM Artifact.Linux.Sys.Pslist.Default()")).toEqual([]);
  });
});
