import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { queryCommand, type QueryIo } from "./query";

async function cli(args: string[], extra: Partial<QueryIo> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await queryCommand(args, {
    stdout: (s) => void (out += s),
    stderr: (s) => void (err += s),
    readFile: async (p) => {
      if (p === "q.vql") return "SELECT X FROM scope()";
      throw new Error("ENOENT: no such file");
    },
    ...extra,
  });
  return { code, out, err };
}

describe("talon query", () => {
  it("prints one JSON array of rows with keys in column order", async () => {
    const r = await cli(["SELECT 2 AS `2`, 1 AS `1` FROM range(end=2)"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('[\n {"2":2,"1":1},\n {"2":2,"1":1}\n]\n');
    expect((await cli(["SELECT * FROM range(end=0)"])).out).toBe("[]\n");
  });

  it("prints jsonl, csv and an aligned table", async () => {
    const q = "SELECT _value AS N, format(format='x%v', args=_value) AS S FROM range(end=2)";
    expect((await cli([q, "--format", "jsonl"])).out).toBe('{"N":0,"S":"x0"}\n{"N":1,"S":"x1"}\n');
    expect((await cli([q, "--format=csv"])).out).toBe("N,S\n0,x0\n1,x1\n");
    expect((await cli([q, "--format", "table"])).out).toBe("N  S\n-  --\n0  x0\n1  x1\n");
  });

  it("reads -f files and sets --param variables", async () => {
    const r = await cli(["-f", "q.vql", "--param", "X=hello", "--format", "jsonl"]);
    expect(r.out).toBe('{"X":"hello"}\n');
  });

  it("exits 2 on a parse error with line:col, the line and a caret", async () => {
    const r = await cli(["SELECT 1\nFROM scope() WHERE"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe("2:19: expected an expression after `WHERE`, found end of text\nFROM scope() WHERE\n                  ^\n");
    expect(r.out).toBe("");
  });

  it("writes run-time log lines to stderr and still exits 0", async () => {
    const r = await cli(["SELECT Nope FROM scope()", "--format", "jsonl"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('{"Nope":null}\n');
    expect(r.err).toBe("ERROR: 1:8: Symbol Nope not found. Current Scope is [config]\n");
  });

  it("applies --max-rows per SELECT and --timeout (exit 1)", async () => {
    const m = await cli(["SELECT * FROM range(end=10)", "--max-rows", "3", "--format", "jsonl"]);
    expect(m.out.trim().split("\n")).toHaveLength(3);
    expect(m.err).toContain("INFO: statement 1 truncated at 3 rows");
    const t = await cli(["SELECT sleep(time=20) FROM scope()", "--timeout", "0.1"]);
    expect(t.code).toBe(1);
    expect(t.err).toContain("query timed out after 0.1s");
  });

  it("reports usage errors with exit 2 and prints help with -h", async () => {
    expect((await cli(["--format", "xml", "SELECT 1 FROM scope()"])).code).toBe(2);
    expect((await cli([])).code).toBe(2);
    expect((await cli(["-f", "missing.vql"])).err).toContain("cannot read missing.vql");
    const h = await cli(["-h"]);
    expect(h.code).toBe(0);
    expect(h.out).toContain("Usage: talon query");
  });

  it("hands --server queries to the remote hook, or explains that it is missing", async () => {
    expect((await cli(["SELECT 1 FROM scope()", "--server", "http://x"])).code).toBe(2);
    const none = await cli(["SELECT 1 FROM scope()", "--server", "http://x", "--key", "k"]);
    expect(none.code).toBe(1);
    expect(none.err).toContain("remote mode (--server) is not available");
    const seen: unknown[] = [];
    const r = await cli(["SELECT 1 AS A FROM scope()", "--server", "http://x", "--key", "k", "--param", "P=1", "--format", "jsonl"], {
      async *remote(req) {
        seen.push(req);
        const { OrderedDict } = await import("../vql/index");
        yield { kind: "select-start", statement: 0, span: { start: 0, end: 5 } };
        yield { kind: "row", statement: 0, row: new OrderedDict([["A", 1]]) };
        yield { kind: "select-end", statement: 0, rows: 1, truncated: false };
      },
    });
    expect(r.out).toBe('{"A":1}\n');
    expect(seen).toEqual([{ server: "http://x", key: "k", vql: "SELECT 1 AS A FROM scope()", params: { P: "1" } }]);
  });

  it("runs the agent's builtins on this machine, as `velociraptor query` does", async () => {
    const ps = await cli([`SELECT Pid, Ppid FROM pslist() WHERE Pid = ${process.pid}`, "--format", "jsonl"]);
    expect(ps.err).toBe("");
    expect(ps.out).toBe(`{"Pid":${process.pid},"Ppid":${process.ppid}}\n`);
    const env = await cli(["SELECT expand(path='$HOME') AS H, OS FROM info()", "--format", "jsonl"]);
    expect(env.out).toBe(JSON.stringify({ H: process.env.HOME, OS: "linux" }) + "\n");
    // upload() needs a collection to upload into.
    const up = await cli(["SELECT upload(file='/etc/hostname') AS U FROM scope()", "--format", "jsonl"]);
    expect(up.out).toBe('{"U":null}\n');
    expect(up.err).toContain("uploads only work inside a collection");
  });

  it("calls the built-in artifacts and collect() writes an offline collection with them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "talon-query-collect-"));
    try {
      const out = join(dir, "c.zip");
      const r = await cli([`SELECT * FROM collect(artifacts='Linux.Sys.Users', args=dict(\`Linux.Sys.Users\`=dict(NameRegex='^root$')), output='${out}')`, "--format", "jsonl"]);
      expect(r.out).toBe(JSON.stringify({ Container: out, Error: null }) + "\n");
      const rows = strFromU8(unzipSync(readFileSync(out))["results/Linux.Sys.Users.json"]!).trim().split("\n").map((l) => JSON.parse(l));
      expect(rows.map((u) => [u.Name, u.Uid])).toEqual([["root", 0]]);
      const direct = await cli(["SELECT Name FROM Artifact.Linux.Sys.Users(NameRegex='^root$')", "--format", "jsonl"]);
      expect(direct.out).toBe('{"Name":"root"}\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
