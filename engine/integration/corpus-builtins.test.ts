// How many artifacts of the Velociraptor corpus (../shared/corpus/velociraptor-artifacts) call
// only builtins Talon has (issue 15's measure): the names called in each artifact's VQL that are
// Velociraptor builtins (../shared/reference/velociraptor-builtins.md), against every registry
// Talon has (portable, server, agent, pool). Prints the figure by platform and keeps it from
// falling below the figure reached.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parse, portableBuiltins } from "@/engine/vql";
import { walk } from "@/engine/vql/ast/walk";
import { corpusDir } from "@/engine/vql/testdata/load-corpus";
import { serverBuiltins } from "@/engine/server/plugins";
import { serverEndpointBuiltins } from "@/engine/server/plugins/endpoint";
import { clientBuiltins } from "@/engine/client/plugins";
import { poolBuiltins } from "@/engine/client/pool/plugins";

const REFERENCE = join(corpusDir, "..", "..", "reference", "velociraptor-builtins.md");
const DIFFERENCES = join(__dirname, "..", "..", "docs", "vql-differences.md");

/** The builtins named in the first column of docs/vql-differences.md's Windows table. */
function documentedWindowsGaps(): Set<string> {
  const text = readFileSync(DIFFERENCES, "utf8");
  const start = text.indexOf("### Windows builtins Talon does not build");
  expect(start, "docs/vql-differences.md has its Windows table").toBeGreaterThan(0);
  const names = new Set<string>();
  for (const line of text.slice(start).split("\n").slice(1)) {
    if (line.startsWith("### ")) break;
    if (!line.startsWith("| `")) continue;
    for (const m of line.split("|")[1]!.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)) names.add(m[1]!);
  }
  return names;
}

/** Velociraptor builtins whose platforms are Windows alone. */
function windowsOnlyBuiltins(): Set<string> {
  const names = new Set<string>();
  for (const line of readFileSync(REFERENCE, "utf8").split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length > 6 && /^[a-z_][a-z0-9_]*$/i.test(cells[1]!) && cells[5] === "windows") names.add(cells[1]!);
  }
  return names;
}

/** The figure this branch reached: artifacts (of those calling any builtin) calling only Talon's. */
const REACHED = 320;

function velociraptorBuiltins(): Set<string> {
  const names = new Set<string>();
  for (const line of readFileSync(REFERENCE, "utf8").split("\n")) {
    const m = /^\| ([A-Za-z_][A-Za-z0-9_]*) \| (function|plugin) \|/.exec(line);
    if (m) names.add(m[1]!);
  }
  return names;
}

function* yamlFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* yamlFiles(p);
    else if (/\.ya?ml$/.test(name)) yield p;
  }
}

function platformOf(doc: Record<string, unknown>): string {
  const name = String(doc.name ?? "");
  const first = name.split(".")[0]!;
  if (["Windows", "Linux", "MacOS", "Generic", "Server"].includes(first)) return first;
  return String(doc.type ?? "").toUpperCase().startsWith("SERVER") ? "Server" : "Other";
}

/** Names an artifact's VQL calls (functions and plugins, undotted), less its own LET names. */
function calledNames(doc: Record<string, unknown>): Set<string> {
  const texts: string[] = [];
  const add = (t: unknown) => typeof t === "string" && texts.push(t);
  add(doc.precondition);
  add(doc.export);
  for (const s of Array.isArray(doc.sources) ? (doc.sources as Record<string, unknown>[]) : []) {
    add(s?.query);
    add(s?.precondition);
  }
  const called = new Set<string>();
  const defined = new Set<string>();
  for (const t of texts) {
    const { statements } = parse(t);
    walk(statements, {
      enter(n) {
        if (n.kind === "let") defined.add(n.name.name);
        if (n.kind === "call" && n.name.length === 1) called.add(n.name[0]!.name);
        if (n.kind === "plugin" && n.called && n.name.length === 1) called.add(n.name[0]!.name);
      },
    });
  }
  for (const d of defined) called.delete(d);
  return called;
}

describe("corpus artifacts that call only builtins Talon has", () => {
  it("are counted by platform (and do not fall below the figure reached)", () => {
    expect(existsSync(corpusDir), `corpus folder missing: ${corpusDir}`).toBe(true);
    const velociraptor = velociraptorBuiltins();
    const talon = new Set([...portableBuiltins, ...serverBuiltins, ...serverEndpointBuiltins, ...clientBuiltins, ...poolBuiltins].map((b) => b.name));
    const by = new Map<string, { calling: number; covered: number }>();
    const missing = new Map<string, number>();
    const blocking = new Map<string, Map<string, number>>();
    for (const file of yamlFiles(corpusDir)) {
      const doc = parseYaml(readFileSync(file, "utf8")) as Record<string, unknown> | null;
      if (!doc || typeof doc !== "object") continue;
      const builtins = [...calledNames(doc)].filter((n) => velociraptor.has(n));
      if (builtins.length === 0) continue;
      const lacking = builtins.filter((n) => !talon.has(n));
      for (const n of lacking) missing.set(n, (missing.get(n) ?? 0) + 1);
      const p = platformOf(doc);
      if (process.env.CORPUS_LIST && p === process.env.CORPUS_LIST && lacking.length) console.log(`${doc.name}: ${lacking.join(" ")}`);
      const b = blocking.get(p) ?? new Map<string, number>();
      for (const n of lacking) b.set(n, (b.get(n) ?? 0) + 1);
      blocking.set(p, b);
      const e = by.get(p) ?? { calling: 0, covered: 0 };
      e.calling++;
      if (lacking.length === 0) e.covered++;
      by.set(p, e);
    }
    const total = [...by.values()].reduce((a, e) => ({ calling: a.calling + e.calling, covered: a.covered + e.covered }), { calling: 0, covered: 0 });
    const lines = [...by.entries()].sort().map(([p, e]) => `  ${p}: ${e.covered} of ${e.calling}`);
    const top = [...missing.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 25);
    console.log(
      [
        `corpus artifacts calling only builtins Talon has: ${total.covered} of ${total.calling}`,
        ...lines,
        `most-called missing builtins: ${top.map(([n, c]) => `${n} ${c}`).join(", ")}`,
        ...["Linux", "Generic", "Server", "MacOS", "Other"].map((p) => `missing in ${p} artifacts: ${[...(blocking.get(p) ?? new Map<string, number>()).entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([n, c]) => `${n} ${c}`).join(", ")}`),
      ].join("\n"),
    );
    // Every Windows builtin Talon lacks (called by a Windows artifact, or Windows-only in
    // Velociraptor) is in docs/vql-differences.md with its reason, and nothing listed is built.
    const windowsGaps = new Set([...(blocking.get("Windows") ?? new Map<string, number>()).keys(), ...[...windowsOnlyBuiltins()].filter((n) => !talon.has(n))]);
    const documented = documentedWindowsGaps();
    expect([...windowsGaps].filter((n) => !documented.has(n)).sort(), "missing from docs/vql-differences.md's Windows table").toEqual([]);
    expect([...documented].filter((n) => talon.has(n)).sort(), "built, yet listed as not built in docs/vql-differences.md").toEqual([]);
    expect(total.calling).toBeGreaterThan(300);
    expect(total.covered).toBeGreaterThanOrEqual(REACHED);
  });
});
