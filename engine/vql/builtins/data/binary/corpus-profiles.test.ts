// Every vtypes profile the artifact corpus passes to parse_binary() loads, and every struct it
// asks for is defined. The profiles are read from the corpus at test time (test data, never
// copied): the `profile=` argument as a string literal, or the LET or parameter it names.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { collect, parse, type Expr } from "@/engine/vql/parser/index";
import { corpusDir } from "@/engine/vql/testdata/load-corpus";
import { loadProfile } from "./profile";
import { rowsOf } from "@/engine/vql/eval/testing";

function* yamlFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* yamlFiles(path);
    else if (/\.ya?ml$/.test(name)) yield path;
  }
}

interface Use {
  artifact: string;
  profile: string | undefined;
  from: string;
  struct: string | undefined;
}

function stringOf(e: Expr | undefined): string | undefined {
  return e?.kind === "string" ? e.value : undefined;
}

function uses(): Use[] {
  const out: Use[] = [];
  for (const file of yamlFiles(corpusDir)) {
    const text = readFileSync(file, "utf8");
    if (!text.includes("parse_binary")) continue;
    const doc = parseYaml(text) as Record<string, unknown>;
    const artifact = relative(corpusDir, file);
    // Exports of the imported artifacts come first (Velociraptor's `imports:`).
    const imported = ((doc.imports as string[] | undefined) ?? []).map((n) => {
      const d = parseYaml(readFileSync(join(corpusDir, ...n.split(".")) + ".yaml", "utf8")) as Record<string, unknown>;
      return d.export;
    });
    const vql = [...imported, doc.export, doc.precondition, ...((doc.sources as Record<string, unknown>[] | undefined) ?? []).flatMap((s) => [s.query, s.precondition])];
    const named = new Map<string, string>();
    for (const p of (doc.parameters as { name: string; default?: unknown }[] | undefined) ?? []) {
      if (typeof p.default === "string") named.set(p.name, p.default);
    }
    const statements = vql.filter((t): t is string => typeof t === "string").flatMap((t) => parse(t).statements);
    for (const l of collect(statements, "let")) {
      const s = l.body.kind === "string" ? l.body.value : undefined;
      if (s !== undefined) named.set(l.name.name, s);
    }
    for (const call of collect(statements, "call")) {
      if (call.path !== "parse_binary") continue;
      const arg = (n: string) => call.args.find((a) => a.name.name === n)?.value;
      const p = arg("profile");
      const name = p?.kind === "symbol" && p.parts.length === 1 ? p.parts[0]!.name : undefined;
      out.push({
        artifact,
        profile: p === undefined ? "" : (stringOf(p) ?? (name !== undefined ? named.get(name) : undefined)),
        from: p === undefined ? "(none)" : (name ?? "literal"),
        struct: stringOf(arg("struct")),
      });
    }
  }
  return out;
}

describe("the corpus's parse_binary() profiles", () => {
  const all = uses();

  it("are found in every artifact that calls parse_binary()", () => {
    const artifacts = new Set(all.map((u) => u.artifact));
    expect(artifacts.size).toBe(29);
    expect(all.filter((u) => u.profile === undefined).map((u) => `${u.artifact} ${u.from}`)).toEqual([]);
  });

  it("load without error and define the structs asked for", () => {
    const failures: string[] = [];
    for (const u of all) {
      try {
        const p = loadProfile(u.profile!);
        if (u.struct !== undefined && !p.has(u.struct)) failures.push(`${u.artifact}: struct ${u.struct} not in ${u.from}`);
      } catch (e) {
        failures.push(`${u.artifact} (${u.from}): ${(e as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("Linux.Sys.LastUserLogin's profile reads a utmp(5) record built here", async () => {
    const u = all.find((x) => x.artifact === "Linux/Sys/LastUserLogin.yaml")!;
    // struct utmp: ut_type at 0, ut_pid 4, ut_line[32] 8, ut_id[4] 40, ut_user[32] 44, ut_host[256] 76,
    // ut_tv.tv_sec 340, ut_addr_v6 348; 384 bytes.
    const b = Buffer.alloc(384);
    b.writeInt32LE(7, 0);
    b.writeInt32LE(1234, 4);
    b.write("tty1", 8);
    b.write("bob", 44);
    b.write("host.example", 76);
    b.writeInt32LE(1700000000, 340);
    b.writeUInt8(10, 348);
    b.writeUInt8(1, 351);
    const rows = await rowsOf(
      `SELECT * FROM foreach(row=parse_binary(accessor='data', filename=unhex(string=H), profile=P, struct='Header').records,
         query={ SELECT ut_type, ut_pid, ut_terminal, ut_user, ut_hostname, ut_timestamp, ut_ip_address FROM scope() })`,
      { env: { H: b.toString("hex"), P: u.profile, MaxCount: 1 } },
    );
    const t = new Date(1700000000 * 1000).toISOString().replace(".000Z", "Z");
    expect(rows).toEqual([`{"ut_type":"USER_PROCESS","ut_pid":1234,"ut_terminal":"tty1","ut_user":"bob","ut_hostname":"host.example","ut_timestamp":"${t}","ut_ip_address":${10 + 2 ** 24}}`]);
  });
});
