// The hunts routes' zod schemas: what a create and a patch accept, their defaults, and the
// sentence-sized problems they refuse with.
import { describe, expect, it } from "vitest";
import { loadArtifact } from "@/engine/artifacts";
import { huntNotebookCells, huntResultsVql, sourcesOfRequest } from "./notebook-cells";
import { HuntClientsQuery, HuntCreate, HuntEstimateBody, HuntListQuery, HuntPatch, HuntResultsQuery, HuntRerunBody } from "./schemas";

describe("hunts route schemas", () => {
  it("HuntCreate needs artifacts, defaults to paused and parses times and OS", () => {
    const ok = HuntCreate.parse({ artifacts: ["Generic.Client.Info"], expires: "2030-01-01T00:00:00Z", os: "LINUX", includeLabels: [" Web "], clientRate: 600 });
    expect(ok).toMatchObject({ artifacts: ["Generic.Client.Info"], pause: true, os: "LINUX", includeLabels: ["Web"], clientRate: 600 });
    expect(ok.expires).toEqual(new Date("2030-01-01T00:00:00Z"));
    expect(HuntCreate.safeParse({ artifacts: [] }).success).toBe(false);
    expect(HuntCreate.safeParse({ artifacts: ["A"], os: "BEOS" }).success).toBe(false);
    expect(HuntCreate.safeParse({ artifacts: ["A"], clientRate: -1 }).success).toBe(false);
    expect(HuntCreate.safeParse({ artifacts: ["A"], expires: "soon" }).success).toBe(false);
  });

  it("HuntPatch takes RUNNING or STOPPED only; the list query has bounds", () => {
    expect(HuntPatch.parse({ state: "STOPPED" })).toEqual({ state: "STOPPED" });
    expect(HuntPatch.safeParse({ state: "PAUSED" }).success).toBe(false);
    expect(HuntListQuery.parse({})).toEqual({ offset: 0, limit: 50 });
    expect(HuntListQuery.safeParse({ limit: "5000" }).success).toBe(false);
  });

  it("HuntCreate takes the safety rails within their bounds", () => {
    expect(HuntCreate.parse({ artifacts: ["A"], maxErrorPercent: 20, maxTotalRows: 1000, maxTotalUploadBytes: 5 })).toMatchObject({ maxErrorPercent: 20, maxTotalRows: 1000, maxTotalUploadBytes: 5 });
    for (const bad of [{ maxErrorPercent: 0 }, { maxErrorPercent: 101 }, { maxErrorPercent: 2.5 }, { maxTotalRows: 0 }, { maxTotalUploadBytes: -1 }]) expect(HuntCreate.safeParse({ artifacts: ["A"], ...bad }).success).toBe(false);
  });

  it("the estimate takes a create's selection fields only; re-run defaults to the errored clients", () => {
    expect(HuntEstimateBody.parse({})).toEqual({});
    expect(HuntEstimateBody.parse({ includeLabels: [" Web "], os: "WINDOWS", serverCondition: "SELECT * FROM rows", clientLimit: 5 })).toEqual({ includeLabels: ["Web"], os: "WINDOWS", serverCondition: "SELECT * FROM rows", clientLimit: 5 });
    expect(HuntEstimateBody.safeParse({ artifacts: ["A"] }).success).toBe(false);
    expect(HuntEstimateBody.safeParse({ os: "BEOS" }).success).toBe(false);
    expect(HuntEstimateBody.safeParse({ clientLimit: -1 }).success).toBe(false);
    expect(HuntRerunBody.parse({})).toEqual({ states: ["error"] });
    expect(HuntRerunBody.parse({ states: ["error"] })).toEqual({ states: ["error"] });
    expect(HuntRerunBody.safeParse({ states: ["completed"] }).success).toBe(false);
    expect(HuntRerunBody.safeParse({ states: [] }).success).toBe(false);
  });
});

describe("hunt page queries and notebook cells", () => {
  it("the clients query takes a known queue and bounded paging", () => {
    expect(HuntClientsQuery.parse({ state: "error", offset: "50", limit: "50" })).toEqual({ state: "error", offset: 50, limit: 50 });
    expect(HuntClientsQuery.parse({})).toEqual({ offset: 0, limit: 50 });
    expect(HuntClientsQuery.safeParse({ state: "lost" }).success).toBe(false);
    expect(HuntClientsQuery.safeParse({ limit: "0" }).success).toBe(false);
    expect(HuntClientsQuery.safeParse({ offset: "-1" }).success).toBe(false);
  });

  it("the results query pages and names a source", () => {
    expect(HuntResultsQuery.parse({ artifact: "Generic.Client.Info/BasicInformation" })).toEqual({ artifact: "Generic.Client.Info/BasicInformation", offset: 0, limit: 100 });
    expect(HuntResultsQuery.safeParse({ limit: "1001" }).success).toBe(false);
  });

  it("a hunt's sources come from its compiled request in order, once each", () => {
    const request = { compiled: [{ name: "A", sources: [{ name: "A/One" }, { name: "A/Two" }] }, { name: "B", sources: [{ name: "B" }] }, { name: "A", sources: [{ name: "A/One" }] }] };
    expect(sourcesOfRequest(request)).toEqual(["A/One", "A/Two", "B"]);
    expect(sourcesOfRequest({})).toEqual([]);
    expect(sourcesOfRequest(null)).toEqual([]);
  });

  it("a notebook cell reads one source with hunt_results(), quotes escaped", () => {
    expect(huntResultsVql("H.ABC", "Generic.Client.Info/BasicInformation")).toBe("SELECT * FROM hunt_results(hunt_id='H.ABC', artifact='Generic.Client.Info', source='BasicInformation')");
    expect(huntResultsVql("H.ABC", "Custom.One")).toBe("SELECT * FROM hunt_results(hunt_id='H.ABC', artifact='Custom.One')");
    expect(huntResultsVql("H.ABC", "It's")).toBe("SELECT * FROM hunt_results(hunt_id='H.ABC', artifact='It\\'s')");
  });

  it("a hunt notebook uses a source's own notebook cells, else one hunt_results() cell", () => {
    const own = loadArtifact(["name: Custom.Nb", "sources:", "  - name: A", "    query: SELECT 1 AS X FROM scope()", "    notebook:", "      - type: vql", "        template: SELECT count() AS N FROM source(source='A') GROUP BY 1", "  - name: B", "    query: SELECT 2 AS Y FROM scope()", ""].join("\n")).artifact!;
    const cells = huntNotebookCells("H.1", ["Custom.Nb/A", "Custom.Nb/B", "Other.One"], (n) => (n === "Custom.Nb" ? own : undefined));
    expect(cells).toEqual([
      { type: "vql", input: "SELECT count() AS N FROM source(source='A') GROUP BY 1" },
      "SELECT * FROM hunt_results(hunt_id='H.1', artifact='Custom.Nb', source='B')",
      "SELECT * FROM hunt_results(hunt_id='H.1', artifact='Other.One')",
    ]);
  });
});
