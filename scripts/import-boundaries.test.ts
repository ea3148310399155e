// The import rules of STYLE.md §2, checked over the source tree (our lint rule).
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SKIP = new Set(["node_modules", ".next", ".data", ".test-data", "reports", "test-results"]);

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    if (SKIP.has(e.name) || e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else if (/\.(ts|tsx|mts)$/.test(e.name)) out.push(p);
  }
  return out;
}

interface Import {
  file: string;
  spec: string;
  /** Repository-relative target for relative imports, else the bare specifier. */
  target: string;
  typeOnly: boolean;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const re = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^"'`;]*?\s+from\s+)?["']([^"']+)["']|import\(\s*(?:\/\*[^*]*\*\/\s*)?["']([^"']+)["']\s*\)/g;
  const out: Import[] = [];
  for (const m of text.matchAll(re)) {
    const spec = (m[3] ?? m[4])!;
    const target = spec.startsWith(".") ? relative(ROOT, resolve(ROOT, dirname(file), spec)) : spec.startsWith("@/") ? spec.slice(2) : spec;
    out.push({ file, spec, target, typeOnly: Boolean(m[2]) });
  }
  return out;
}

const all = ["app", "engine", "drizzle", "e2e", "scripts"].flatMap((d) => files(d)).concat(["server.ts"]);
const imports = all.flatMap(importsOf);
const under = (p: string, dir: string) => p === dir || p.startsWith(dir + "/");

describe("import boundaries", () => {
  it("engine/vql is pure: it imports only itself and pure packages, never Node built-ins", () => {
    const bad = imports.filter(
      (i) => under(i.file, "engine/vql") && !i.file.endsWith(".test.ts") && !i.file.includes("/testdata/") && (i.spec.startsWith("node:") || (i.spec.startsWith(".") && !under(i.target, "engine/vql"))),
    );
    expect(bad.map((i) => `${i.file}: ${i.spec}`)).toEqual([]);
  });

  it("engine/artifacts (the artifact format) is pure: engine/vql, itself and pure packages only", () => {
    const bad = imports.filter(
      (i) =>
        under(i.file, "engine/artifacts") &&
        !i.file.endsWith(".test.ts") &&
        (i.spec.startsWith("node:") || (i.spec.startsWith(".") && !under(i.target, "engine/artifacts") && !under(i.target, "engine/vql"))),
    );
    expect(bad.map((i) => `${i.file}: ${i.spec}`)).toEqual([]);
  });

  it("engine/notebooks is pure (the browser uses it): only itself, engine/vql and pure packages", () => {
    const bad = imports.filter(
      (i) =>
        under(i.file, "engine/notebooks") &&
        !i.file.endsWith(".test.ts") &&
        (i.spec.startsWith("node:") || (i.spec.startsWith(".") && !under(i.target, "engine/notebooks") && !under(i.target, "engine/vql"))),
    );
    expect(bad.map((i) => `${i.file}: ${i.spec}`)).toEqual([]);
  });

  it("only drizzle/ imports drizzle-orm", () => {
    const bad = imports.filter((i) => i.spec.startsWith("drizzle-orm") && !under(i.file, "drizzle"));
    expect(bad.map((i) => `${i.file}: ${i.spec}`)).toEqual([]);
  });

  it("app/ reaches engine/ and drizzle/ only through app/_server (or types and the pure VQL package)", () => {
    const bad = imports.filter((i) => {
      if (!under(i.file, "app") || under(i.file, "app/_server")) return false;
      if (under(i.target, "drizzle")) return !i.typeOnly;
      if (!under(i.target, "engine")) return false;
      return !(i.typeOnly || i.target === "engine" || i.target === "engine/index" || under(i.target, "engine/vql") || under(i.target, "engine/artifacts") || under(i.target, "engine/protocol") || under(i.target, "engine/notebooks"));
    });
    expect(bad.map((i) => `${i.file}: ${i.spec}`)).toEqual([]);
  });

  it("the agent (engine/client) never imports the server or the database", () => {
    const bad = imports.filter((i) => under(i.file, "engine/client") && (under(i.target, "engine/server") || under(i.target, "drizzle")));
    expect(bad.map((i) => `${i.file}: ${i.spec}`)).toEqual([]);
  });

  it("the shared worker pool (engine/vql-isolation) imports neither the server nor the agent", () => {
    const bad = imports.filter((i) => under(i.file, "engine/vql-isolation") && (under(i.target, "engine/server") || under(i.target, "engine/client") || under(i.target, "drizzle")));
    expect(bad.map((i) => `${i.file}: ${i.spec}`)).toEqual([]);
  });

  it("the endpoint builtins (engine/endpoint, shared by the agent and the server) import neither", () => {
    const bad = imports.filter((i) => under(i.file, "engine/endpoint") && (under(i.target, "engine/server") || under(i.target, "engine/client") || under(i.target, "drizzle")));
    expect(bad.map((i) => `${i.file}: ${i.spec}`)).toEqual([]);
  });

  it("the server never imports the agent", () => {
    const bad = imports.filter((i) => under(i.file, "engine/server") && under(i.target, "engine/client"));
    expect(bad.map((i) => `${i.file}: ${i.spec}`)).toEqual([]);
  });

  it("`server-only` appears only in app/_server (it throws under plain Node)", () => {
    const bad = imports.filter((i) => i.spec === "server-only" && !under(i.file, "app/_server"));
    expect(bad.map((i) => i.file)).toEqual([]);
  });

  it("service contracts (engine/server/contracts) import no implementation: other modules only as types", () => {
    const bad = imports.filter((i) => under(i.file, "engine/server/contracts") && !i.typeOnly && !under(i.target, "engine/server/contracts") && !i.spec.startsWith("."));
    expect(bad.map((i) => `${i.file}: ${i.spec}`)).toEqual([]);
  });

  it("a service imports other services only through their contracts, never their folders, the wiring or the server's edges", () => {
    const bad = imports.filter((i) => {
      const m = /^engine\/server\/services\/([^/]+)\//.exec(i.file);
      if (!m || i.file.endsWith(".test.ts") || i.file.endsWith("testing.ts")) return false;
      const own = `engine/server/services/${m[1]}`;
      if (under(i.target, own) || i.target === "engine/server/services/batcher") return false;
      return under(i.target, "engine/server/services") || ["engine/server/wiring", "engine/server/ws", "engine/server/agent-gateway", "engine/server/plugins", "engine/server/cluster", "engine/server/http"].some((d) => under(i.target, d));
    });
    expect(bad.map((i) => `${i.file}: ${i.spec}`)).toEqual([]);
  });

  it("the cluster seam (engine/server/cluster) builds on contracts, the database and the protocol only", () => {
    const bad = imports.filter(
      (i) =>
        under(i.file, "engine/server/cluster") &&
        !i.file.endsWith(".test.ts") &&
        !i.file.endsWith("testing.ts") &&
        (i.spec.startsWith(".") || i.spec.startsWith("@/")) &&
        !under(i.target, "engine/server/cluster") &&
        !under(i.target, "engine/server/contracts") &&
        !under(i.target, "drizzle") &&
        !under(i.target, "engine/protocol"),
    );
    expect(bad.map((i) => `${i.file}: ${i.spec}`)).toEqual([]);
  });

  it("no import climbs three folders up: the @/ alias names the repository root", () => {
    const bad = imports.filter((i) => i.spec.startsWith("../../../"));
    expect(bad.map((i) => `${i.file}: ${i.spec}`)).toEqual([]);
  });

  it("the checker sees imports at all (guards against a broken pattern)", () => {
    expect(imports.some((i) => i.file === "server.ts" && i.spec === "next")).toBe(true);
    expect(imports.some((i) => i.file.startsWith("app/") && i.target === "engine")).toBe(true);
  });
});
