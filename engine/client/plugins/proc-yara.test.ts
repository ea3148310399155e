// proc_yara(): a live child process holds a marker in its memory (its environment); the scan
// finds it, and the reported offset is where the marker really is: the test reads the child's
// memory there itself. Rules that do not match give nothing; `number` stops early; a pid that
// does not exist is an ERROR naming it.
import { spawn, type ChildProcess } from "node:child_process";
import { openSync, readSync, closeSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runVql, toJsonValue } from "@/engine/vql";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { agentRegistry } from ".";
import { parseMaps, pieces, scannable } from "./proc-yara";

const system = createLinuxSystem();
const MARKER = `TALONPY${process.pid}X${Date.now()}`;
let child: ChildProcess;

async function run(vql: string) {
  const rows: Record<string, unknown>[] = [];
  const logs: string[] = [];
  for await (const e of runVql(vql, { registry: agentRegistry(), host: { system } })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

beforeAll(async () => {
  child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { env: { NODE_ENV: "test", TALON_MARK: MARKER }, stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 300));
});
afterAll(() => child.kill());

describe("proc_yara()", () => {
  it("finds a string in a live process at the address it really has", async () => {
    const rules = `rule mark : t { meta: who = "talon" strings: $m = "${MARKER}" condition: $m }`;
    const r = await run(`SELECT Rule, Meta, String, Pid FROM proc_yara(pid=${child.pid}, rules='''${rules}''', context=0)`);
    expect(r.logs).toEqual([]);
    expect(r.rows).toHaveLength(1);
    const row = r.rows[0] as { Rule: string; Meta: unknown; Pid: number; String: { Name: string; Offset: number; Data: string } };
    expect(row).toMatchObject({ Rule: "mark", Meta: { who: "talon" }, Pid: child.pid });
    expect(row.String.Name).toBe("$m");
    expect(row.String.Data).toBe(MARKER);
    // The address is inside one of the child's readable mappings, and the bytes there are the marker.
    const maps = parseMaps(readFileSync(`/proc/${child.pid}/maps`, "utf8"));
    expect(maps.some((m) => m.perms[0] === "r" && m.start <= row.String.Offset && row.String.Offset + MARKER.length <= m.end)).toBe(true);
    const fd = openSync(`/proc/${child.pid}/mem`, "r");
    try {
      const b = Buffer.alloc(MARKER.length);
      readSync(fd, b, 0, b.length, row.String.Offset);
      expect(b.toString("latin1")).toBe(MARKER);
    } finally {
      closeSync(fd);
    }
  });

  it("gives nothing for rules that do not match, and stops after `number` rules", async () => {
    const none = await run(`SELECT * FROM proc_yara(pid=${child.pid}, rules='rule n { strings: $a = "${MARKER}-not-there" condition: $a }')`);
    expect(none).toEqual({ rows: [], logs: [] });
    const rules = `rule a { strings: $m = "${MARKER}" condition: $m } rule b { strings: $m = "${MARKER}" condition: $m }`;
    const both = await run(`SELECT Rule FROM proc_yara(pid=${child.pid}, rules='''${rules}''')`);
    expect(both.rows.map((x) => x.Rule).sort(), both.logs.join("\n")).toEqual(["a", "b"]);
    expect((await run(`SELECT Rule FROM proc_yara(pid=${child.pid}, rules='''${rules}''', number=1)`)).rows).toHaveLength(1);
  });

  it("a pid that does not exist, and rules that do not compile, are ERRORs", async () => {
    const gone = await run(`SELECT * FROM proc_yara(pid=999999999, rules='rule a { condition: true }')`);
    expect(gone.rows).toEqual([]);
    expect(gone.logs.join("\n")).toMatch(/^ERROR proc_yara: pid 999999999: /);
    const bad = await run(`SELECT * FROM proc_yara(pid=${child.pid}, rules='rule { }')`);
    expect(bad.logs.join("\n")).toMatch(/ERROR proc_yara: rules do not compile: line 1/);
  });

  it("reads /proc/<pid>/maps lines and keeps the readable, ordinary regions", () => {
    const text = [
      "55d0c0a00000-55d0c0a21000 r--p 00000000 08:01 1048602                    /usr/bin/node",
      "55d0c0a21000-55d0c0a22000 ---p 00000000 00:00 0 ",
      "7ffc5a1f0000-7ffc5a211000 rw-p 00000000 00:00 0                          [stack]",
      "7ffc5a3f6000-7ffc5a3fa000 r--p 00000000 00:00 0                          [vvar]",
      "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]",
    ].join("\n");
    const maps = parseMaps(text);
    expect(maps.map((m) => [m.start, m.end, m.perms, m.path])).toEqual([
      [0x55d0c0a00000, 0x55d0c0a21000, "r--p", "/usr/bin/node"],
      [0x55d0c0a21000, 0x55d0c0a22000, "---p", ""],
      [0x7ffc5a1f0000, 0x7ffc5a211000, "rw-p", "[stack]"],
      [0x7ffc5a3f6000, 0x7ffc5a3fa000, "r--p", "[vvar]"],
      [0xffffffffff600000, 0xffffffffff601000, "--xp", "[vsyscall]"],
    ]);
    expect(scannable(maps).map((m) => m.path)).toEqual(["/usr/bin/node", "[stack]"]);
    // From smaps: a region never touched (Rss 0, Swap 0) holds only zeros and is skipped.
    const smaps = parseMaps(["7f0000000000-7f0000100000 rw-p 00000000 00:00 0 ", "Rss:                   0 kB", "Swap:                  0 kB", "7f0000100000-7f0000200000 rw-p 00000000 00:00 0 ", "Rss:                   8 kB", "Swap:                  4 kB"].join("\n"));
    expect(smaps.map((m) => m.usedKb)).toEqual([0, 12]);
    expect(scannable(smaps).map((m) => m.start)).toEqual([0x7f0000100000]);
  });

  it("cuts a region into overlapping pieces that cover it", () => {
    expect(pieces(10, 4, 1)).toEqual([[0, 4], [3, 4], [6, 4]]);
    expect(pieces(4, 4, 1)).toEqual([[0, 4]]);
    expect(pieces(5, 4, 1)).toEqual([[0, 4], [3, 2]]);
  });
});
