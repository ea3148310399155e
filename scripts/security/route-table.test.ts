// The security matrix's route table must cover the whole tree: every route file parses into
// methods with a permission (or a listed reason for none), every dynamic segment has a
// placeholder, every ui.authorize() prefix has sample topics. A new route or topic that the
// reader does not understand fails here, before it could be missing from the e2e matrix.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { PERMISSIONS } from "@/engine/server/auth/roles";
import { readApiRoutes, readPages, readTopicPrefixes, TOPIC_SAMPLES } from "./route-table";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

describe("the security matrix's route table", () => {
  it("understands every route file under app/api", () => {
    const { routes, problems } = readApiRoutes(ROOT, PERMISSIONS);
    expect(problems).toEqual([]);
    expect(routes.length).toBeGreaterThan(50);
    // Spot checks against files as written.
    const byKey = new Map(routes.flatMap((r) => r.methods.map((m) => [`${m.method} ${r.pattern}`, m.requirement] as const)));
    expect(byKey.get("POST /api/users")).toEqual({ kind: "permission", permission: "SERVER_ADMIN" });
    expect(byKey.get("PATCH /api/alerts/[alertId]")).toEqual({ kind: "permission", permission: "ALERT_TRIAGE" });
    expect(byKey.get("GET /api/alerts/[alertId]")).toEqual({ kind: "permission", permission: "READ_RESULTS" });
    expect(byKey.get("POST /api/account/password")).toEqual({ kind: "signed-in" });
    expect(byKey.get("GET /api/health")).toEqual({ kind: "public" });
    expect(byKey.get("GET /api/tools/download/[token]")).toEqual({ kind: "public" });
    expect(byKey.get("POST /api/hunts/estimate")).toEqual({ kind: "permission", permission: "COLLECT_CLIENT" });
    expect(byKey.get("POST /api/hunts/[huntId]/rerun")).toEqual({ kind: "permission", permission: "START_HUNT" });
    // The hunt page's reads and its notebook.
    expect(byKey.get("GET /api/hunts/[huntId]/clients")).toEqual({ kind: "permission", permission: "READ_RESULTS" });
    expect(byKey.get("GET /api/hunts/[huntId]/results")).toEqual({ kind: "permission", permission: "READ_RESULTS" });
    expect(byKey.get("POST /api/hunts/[huntId]/notebook")).toEqual({ kind: "permission", permission: "NOTEBOOK_EDITOR" });
    // The zip downloads: any role that reads results (reader, analyst, investigator, api, administrator).
    expect(byKey.get("GET /api/clients/[clientId]/flows/[flowId]/download")).toEqual({ kind: "permission", permission: "READ_RESULTS" });
    expect(byKey.get("GET /api/hunts/[huntId]/download")).toEqual({ kind: "permission", permission: "READ_RESULTS" });
    expect(routes.find((r) => r.pattern === "/api/clients/[clientId]/flows/[flowId]")?.path).toBe("/api/clients/C.0123456789abcdef/flows/F.0123456789ABC");
  });

  it("understands every page", () => {
    const { pages, problems } = readPages(ROOT);
    expect(problems).toEqual([]);
    expect(pages.map((p) => p.pattern)).toEqual(expect.arrayContaining(["/", "/login", "/notebooks/[notebookId]", "/clients/[clientId]"]));
    expect(pages.filter((p) => p.public).map((p) => p.pattern)).toEqual(["/login"]);
  });

  it("has sample topics for every prefix registered with ui.authorize()", () => {
    const { prefixes, problems } = readTopicPrefixes(ROOT);
    expect(problems).toEqual([]);
    expect(prefixes).toEqual(expect.arrayContaining(["notebook", "clients", "alerts", "events", "hunts", "hunt"]));
    expect(prefixes.filter((p) => !TOPIC_SAMPLES[p])).toEqual([]);
    expect(Object.keys(TOPIC_SAMPLES).filter((p) => !prefixes.includes(p))).toEqual([]);
  });

  describe("refuses what it cannot place in the matrix", () => {
    const dir = mkdtempSync(join(tmpdir(), "route-table-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const write = (file: string, text: string) => {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    };
    write("app/api/ok/route.ts", `export const dynamic = "force-dynamic";\nexport function GET() {\n  return withPrincipal("READ_RESULTS", async () => json({}));\n}\n`);
    write("app/api/bare/route.ts", `export async function POST() {\n  return Response.json({ hello: 1 });\n}\n`);
    write("app/api/arrow/route.ts", `export const GET = () => withPrincipal("READ_RESULTS", async () => json({}));\n`);
    write("app/api/variable/route.ts", `const P = "READ_RESULTS";\nexport function GET() {\n  return withPrincipal(P, async () => json({}));\n}\n`);
    write("app/api/typo/route.ts", `export function GET() {\n  return withPrincipal("READ_RESULT", async () => json({}));\n}\n`);
    write("app/api/things/[thingId]/route.ts", `export function DELETE() {\n  return withPrincipal("SERVER_ADMIN", async () => json({}));\n}\n`);
    const { routes, problems } = readApiRoutes(dir, PERMISSIONS);
    const text = problems.join("\n");

    it("a method without withPrincipal that is not listed as deliberate", () => expect(text).toMatch(/app\/api\/bare\/route\.ts POST: does not call withPrincipal/));
    it("an export that is not a method function", () => expect(text).toMatch(/app\/api\/arrow\/route\.ts: `export const GET`/));
    it("a permission that is not a literal", () => expect(text).toMatch(/variable\/route\.ts GET: passes P/));
    it("an unknown permission", () => expect(text).toMatch(/typo\/route\.ts GET: unknown permission READ_RESULT/));
    it("a dynamic segment without a placeholder", () => expect(text).toMatch(/\[thingId\] has no placeholder/));
    it("a stale NO_PRINCIPAL entry", () => expect(text).toMatch(/NO_PRINCIPAL lists "GET \/api\/health"/));
    it("and reads the well-formed one", () => expect(routes.find((r) => r.pattern === "/api/ok")?.methods).toEqual([{ method: "GET", requirement: { kind: "permission", permission: "READ_RESULTS" } }]));
  });
});
