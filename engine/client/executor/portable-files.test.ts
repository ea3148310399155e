// The portable parsers read files on the agent (accessor auto/file, the default as in
// Velociraptor) through the agent's guarded file access, and say so where no file may be read.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryOutbox } from "@/engine/client/connection/outbox";
import { createVqlRunner } from "@/engine/client/executor/vql-runner";
import { createLinuxSystem } from "@/engine/client/plugins/linux";
import { FlowResponder } from "@/engine/client/responder/responder";
import { collect } from "@/engine/vql/eval/testing";

const dir = mkdtempSync(join(tmpdir(), "talon-parsers-"));
const lines = join(dir, "lines.txt");
writeFileSync(lines, "one\ntwo\n");
const csv = join(dir, "t.csv");
writeFileSync(csv, "a,b\n1,x\n2,y\n");
const passwd = join(dir, "passwd");
writeFileSync(passwd, "root:x:0:0:root:/root:/bin/bash\nbob:x:1000:1000::/home/bob:/bin/sh\n");

async function onAgent(vql: string) {
  const runner = createVqlRunner(createLinuxSystem());
  const ctx = { flowId: "F.P", artifact: "T", env: { F: lines, C: csv, P: passwd }, signal: new AbortController().signal, maxRows: 1000, permissions: new Set<string>(), responder: new FlowResponder(new MemoryOutbox(), "F.P") };
  const rows: unknown[] = [];
  const logs: string[] = [];
  for await (const e of runner.run(vql, ctx)) {
    if (e.kind === "row") rows.push(e.row);
    else if (e.kind === "log") logs.push(e.message);
  }
  return { rows: JSON.parse(JSON.stringify(rows)), logs };
}

describe("portable parsers over files on the agent", () => {
  it("parse_lines and parse_csv read the file named (default accessor auto)", async () => {
    expect((await onAgent("SELECT * FROM parse_lines(filename=F)")).rows).toEqual([{ Line: "one" }, { Line: "two" }]);
    expect((await onAgent("SELECT * FROM parse_csv(filename=C)")).rows).toEqual([
      { a: "1", b: "x" },
      { a: "2", b: "y" },
    ]);
  });

  it("split_records over a passwd-style file, as Linux.Sys.Users reads /etc/passwd", async () => {
    const { rows } = await onAgent("SELECT User, Uid FROM split_records(filenames=P, regex=':', columns=['User', 'X', 'Uid'])");
    expect(rows).toEqual([
      { User: "root", Uid: "0" },
      { User: "bob", Uid: "1000" },
    ]);
  });

  it("a missing file is logged with its path and the query goes on", async () => {
    const { rows, logs } = await onAgent(`SELECT * FROM parse_lines(filename='${join(dir, "nope")}')`);
    expect(rows).toEqual([]);
    expect(logs.join("\n")).toMatch(/parse_lines: .*nope: ENOENT/);
  });

  it("without file access (the server, the editor) the parser says it cannot read files", async () => {
    const r = await collect(`SELECT * FROM parse_lines(filename='${lines}')`);
    expect(r.rows).toEqual([]);
    expect(r.logs.join("\n")).toMatch(/parse_lines: accessor `auto` reads files/);
  });
});
