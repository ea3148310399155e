// Agent builtins' arguments added for parity with Velociraptor (issue 15, item 3), on this Linux
// machine: glob(recursion_callback), execve(sep, secret), hash(hashselect, max_size) and
// upload(mtime...). Expected values come from Velociraptor's sources, cited per case.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runVql, toJsonValue } from "../../vql";
import { MemoryOutbox } from "../connection/outbox";
import { FlowResponder } from "../responder/responder";
import { agentRegistry } from ".";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { devNumbers } from "@/engine/endpoint/builtins/linux/fs";
import type { AgentVqlHost } from "./host";

const system = createLinuxSystem();
const dir = mkdtempSync(join(tmpdir(), "talon-parity-"));

async function run(vql: string, host: AgentVqlHost = { system }) {
  const rows: Record<string, unknown>[] = [];
  const logs: string[] = [];
  for await (const e of runVql(vql, { registry: agentRegistry(), host })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

const execHost = (): AgentVqlHost => ({
  system,
  flow: { flowId: "F.1", artifact: "T", responder: new FlowResponder(new MemoryOutbox(), "F.1"), permissions: new Set(["EXECVE"]) },
});

beforeAll(() => {
  mkdirSync(join(dir, "keep", "inner"), { recursive: true });
  mkdirSync(join(dir, "proc", "inner"), { recursive: true });
  writeFileSync(join(dir, "keep", "inner", "a.txt"), "a");
  writeFileSync(join(dir, "proc", "inner", "b.txt"), "b");
  writeFileSync(join(dir, "proc", "c.txt"), "c");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("glob(recursion_callback)", () => {
  // Velociraptor vql/filesystem/filesystem.go: "A VQL function that determines if a directory
  // should be recursed (e.g. "x=>NOT x.Name =~ 'proc'")"; glob/glob.go asks it before
  // descending, so the directory itself still matches but nothing under it does.
  it("keeps the walk out of directories the lambda refuses", async () => {
    const paths = async (extra: string) =>
      (await run(`SELECT OSPath FROM glob(globs='**/*', root='${dir}'${extra})`)).rows.map((r) => String(r.OSPath).slice(dir.length + 1)).sort();
    expect(await paths("")).toEqual(["keep", "keep/inner", "keep/inner/a.txt", "proc", "proc/c.txt", "proc/inner", "proc/inner/b.txt"]);
    expect(await paths(`, recursion_callback="x=>NOT x.Name =~ 'proc'"`)).toEqual(["keep", "keep/inner", "keep/inner/a.txt", "proc"]);
  });
  // Linux.Search.FileFinder's LocalFilesystemOnly callback: "x=>x.Data.DevMajor IN LocalDeviceMajor".
  it("the lambda sees Velociraptor's Data.DevMajor, as glob() rows do", async () => {
    const { DevMajor, DevMinor } = devNumbers(statSync(dir).dev);
    const rows = (await run(`SELECT OSPath, Data FROM glob(globs='keep/inner/a.txt', root='${dir}')`)).rows;
    expect(rows).toEqual([{ OSPath: join(dir, "keep", "inner", "a.txt"), Data: { DevMajor, DevMinor } }]);
    const local = await run(`LET LocalDeviceMajor <= (${DevMajor}, 7) SELECT OSPath FROM glob(globs='**/*.txt', root='${dir}', recursion_callback="x=>x.Data.DevMajor IN LocalDeviceMajor")`);
    expect(local.rows).toHaveLength(3);
    const other = await run(`LET LocalDeviceMajor <= (${DevMajor + 1}, 7) SELECT OSPath FROM glob(globs='**/*.txt', root='${dir}', recursion_callback="x=>x.Data.DevMajor IN LocalDeviceMajor")`);
    expect(other.rows).toEqual([]);
    // The root's own directories are where the walk starts, not asked about (Velociraptor's
    // globber starts at root): only what is under it.
    const asked = await run(`SELECT OSPath FROM glob(globs='keep/*', root='${dir}', recursion_callback="x=>log(message='asked %v', args=x.OSPath, dedup=-1)")`);
    expect(asked.logs.filter((l) => l.includes("asked")).map((l) => l.slice(l.indexOf("asked ") + 6))).toEqual([join(dir, "keep")]);
  });
  it("the lambda sees the entry's row (IsDir, OSPath)", async () => {
    const r = await run(`SELECT OSPath FROM glob(globs='*/*/*.txt', root='${dir}', recursion_callback="x=>x.IsDir AND NOT x.OSPath =~ 'keep/inner'")`);
    expect(r.rows.map((x) => String(x.OSPath).slice(dir.length + 1))).toEqual(["proc/inner/b.txt"]);
  });
});

describe("execve(sep, secret)", () => {
  // Velociraptor vql/tools/shell/execve.go: with sep, each non-empty piece of output between
  // separators is a row's Stdout (stderr's pieces too), and the last row carries ReturnCode.
  it("sep splits the output into rows", async () => {
    const r = await run(`SELECT Stdout, Stderr, ReturnCode, Complete FROM execve(argv=['printf', 'one\\ntwo\\n\\nthree'], sep='\\n')`, execHost());
    expect(r.rows).toEqual([
      { Stdout: "one", Stderr: "", ReturnCode: null, Complete: false },
      { Stdout: "two", Stderr: "", ReturnCode: null, Complete: false },
      { Stdout: "three", Stderr: "", ReturnCode: null, Complete: false },
      { Stdout: "", Stderr: "", ReturnCode: 0, Complete: true },
    ]);
  });
  // mergeSecretToRequest: "Secrets may only be used on the server" (no server config on a client).
  it("a secret is refused on an agent", async () => {
    const r = await run("SELECT * FROM execve(argv=['echo', 'hi'], secret='S')", execHost());
    expect(r.rows).toEqual([]);
    expect(r.logs.join("\n")).toMatch(/Secrets may only be used on the server/);
  });
});

describe("hash() of files", () => {
  const sha1 = (b: Buffer | string) => createHash("sha1").update(b).digest("hex");
  // Velociraptor vql/functions/hash.go: unselected fields are "", and reading stops (without
  // hashing it) at the 64 KiB read that takes the count past max_size.
  it("hashselect and max_size", async () => {
    const big = join(dir, "big.bin");
    const data = Buffer.alloc(200_000, 7);
    writeFileSync(big, data);
    const r = await run(`SELECT hash(path='${big}', hashselect='sha1') AS All, hash(path='${big}', hashselect='SHA1', max_size=140000) AS Cut FROM scope()`);
    expect(r.rows).toEqual([{ All: { MD5: "", SHA1: sha1(data), SHA256: "" }, Cut: { MD5: "", SHA1: sha1(data.subarray(0, 131072)), SHA256: "" } }]);
    const small = await run(`SELECT hash(path='${join(dir, "proc", "c.txt")}', max_size=140000).SHA1 AS S FROM scope()`);
    expect(small.rows).toEqual([{ S: sha1("c") }]);
  });
});

describe("upload(mtime, atime, ctime, btime)", () => {
  it("are accepted (the upload still happens)", async () => {
    const host = execHost();
    const r = await run(`SELECT upload(file='${join(dir, "proc", "c.txt")}', mtime=timestamp(epoch=1), atime=0, ctime='2020-01-01', btime=NULL).Size AS Size FROM scope()`, host);
    expect(r.logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
    expect(r.rows).toEqual([{ Size: 1 }]);
  });
});
