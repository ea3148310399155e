// Argument parity with Velociraptor (issue 15, item 3): every builtin Talon has (portable, server,
// agent and pool registries) accepts every argument that Velociraptor's reference
// (../shared/reference/velociraptor-builtins.md, from Velociraptor's docs/references/vql.yaml)
// lists for it, except the arguments docs/vql-differences.md names with a reason in its table
// "Builtin arguments Talon does not accept". An unknown argument makes a Velociraptor builtin
// log `Unexpected arg X` and return NULL (REFERENCE §5.11), so a missing argument silently
// breaks every pasted query that uses it: this test keeps that list honest in both directions
// (a listed exception that Talon now accepts must leave the table).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { portableBuiltins, type Builtin } from "@/engine/vql";
import { corpusDir } from "@/engine/vql/testdata/load-corpus";
import { serverBuiltins } from "@/engine/server/plugins";
import { serverEndpointBuiltins } from "@/engine/server/plugins/endpoint";
import { clientBuiltins } from "@/engine/client/plugins";
import { poolBuiltins } from "@/engine/client/pool/plugins";
import { collect } from "@/engine/vql/eval/testing";

const REFERENCE = join(corpusDir, "..", "..", "reference", "velociraptor-builtins.md");
const DIFFERENCES = join(__dirname, "..", "..", "docs", "vql-differences.md");
const EXCEPTIONS_HEADING = "### Builtin arguments Talon does not accept";

/** `kind:name` → the argument names Velociraptor's reference lists. */
function referenceArgs(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of readFileSync(REFERENCE, "utf8").split("\n")) {
    // | name | kind | Talon | category | platforms | args | corpus |
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 8 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(cells[1]!) || !/^(function|plugin)$/.test(cells[2]!)) continue;
    out.set(`${cells[2]}:${cells[1]}`, cells[6]!.split(",").map((a) => a.trim()).filter(Boolean));
  }
  return out;
}

interface Exception {
  builtin: string;
  argument: string;
  reason: string;
}

/** Rows of the exceptions table: | `builtin` | `argument` | reason |. */
function exceptions(): Exception[] {
  const text = readFileSync(DIFFERENCES, "utf8");
  const start = text.indexOf(EXCEPTIONS_HEADING);
  expect(start, `docs/vql-differences.md has no "${EXCEPTIONS_HEADING}" section`).toBeGreaterThan(-1);
  const section = text.slice(start + EXCEPTIONS_HEADING.length).split(/\n#{1,3} /)[0]!;
  const out: Exception[] = [];
  for (const line of section.split("\n")) {
    const m = /^\| `([A-Za-z_][A-Za-z0-9_]*)` \| `([A-Za-z_][A-Za-z0-9_]*)` \| (.*) \|$/.exec(line.trim());
    if (m) out.push({ builtin: m[1]!, argument: m[2]!, reason: m[3]!.trim() });
  }
  return out;
}

describe("builtin arguments against Velociraptor's reference", () => {
  it("every Talon builtin accepts the arguments Velociraptor lists, or the difference is documented", () => {
    expect(existsSync(REFERENCE), `reference missing: ${REFERENCE}`).toBe(true);
    const ref = referenceArgs();
    expect(ref.size).toBeGreaterThan(300);
    const excused = exceptions();
    const excusedKey = new Set(excused.map((e) => `${e.builtin}.${e.argument}`));
    for (const e of excused) expect(e.reason.length, `exception ${e.builtin}.${e.argument} needs a reason`).toBeGreaterThan(10);

    const registries: Record<string, readonly Builtin[]> = {
      portable: portableBuiltins,
      server: serverBuiltins,
      // The server host's own (read_file(), geoip()...: engine/server/plugins/endpoint.ts).
      "server host": serverEndpointBuiltins,
      agent: clientBuiltins,
      pool: poolBuiltins,
    };
    const missing: string[] = [];
    const usedExceptions = new Set<string>();
    const covered = new Set<string>();
    let argumentsChecked = 0;
    for (const [registry, builtins] of Object.entries(registries)) {
      for (const b of builtins) {
        const wanted = ref.get(`${b.kind}:${b.name}`);
        if (!wanted) continue; // Talon's own builtins (alerts(), uptime()...) have no reference.
        covered.add(`${b.kind}:${b.name}`);
        for (const a of wanted) {
          argumentsChecked++;
          if (b.rest || Object.hasOwn(b.args, a)) continue;
          const key = `${b.name}.${a}`;
          if (excusedKey.has(key)) usedExceptions.add(key);
          else missing.push(`${registry} ${b.kind} ${b.name}(${a})`);
        }
      }
    }
    const stale = [...excusedKey].filter((k) => !usedExceptions.has(k));
    console.log(
      `builtin arguments: ${covered.size} Talon builtins in Velociraptor's reference, ${argumentsChecked} arguments checked, ` +
        `${usedExceptions.size} documented exceptions, ${missing.length} missing`,
    );
    expect(missing, "arguments Velociraptor lists that Talon lacks (add them, or document them in docs/vql-differences.md)").toEqual([]);
    expect(stale, "documented exceptions for arguments Talon now accepts (or that Velociraptor does not list): remove them").toEqual([]);
  });

  // REFERENCE §5.11: "Unknown argument → error `Unexpected arg X`; ... On such errors the
  // function logs `name: <error>` and returns NULL ... and a plugin emits no rows."
  it("an argument a builtin does not declare is still Velociraptor's error: logged, NULL or no rows", async () => {
    const f = await collect("SELECT atoi(string='0x10', bogus=1) AS X, atoi(string='0x10') AS Y FROM scope()");
    expect(f.rows).toEqual(['{"X":null,"Y":16}']);
    expect(f.logs.join("\n")).toMatch(/unexpected argument `bogus` to `atoi\(\)`/);
    const p = await collect("SELECT * FROM range(end=3, bogus=1)");
    expect(p.rows).toEqual([]);
    expect(p.logs.join("\n")).toMatch(/unexpected argument `bogus` to `range\(\)`/);
  });
});
