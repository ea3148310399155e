// The event-reading notebook templates run end to end on a fresh server, on both databases:
// "Alerts overview" reads Server.Internal.Alerts with source(start_time, end_time) and counts
// the alerts it finds; the last cell of "Label clients automatically" (watch_monitoring over
// System.Flow.Completion) keeps running without an error until it is cancelled.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseTargets } from "../../drizzle/testing";
import type { CellView, Principal } from "@/engine/server/contracts";
import { startTestServer, waitFor, type TestServer } from "./harness";

for (const target of testDatabaseTargets()) describe(`event templates on ${target.name}`, () => {
  let s: TestServer;
  let admin: Principal;

  beforeAll(async () => {
    s = await startTestServer({ database: await target.open(), interrogationsPerSecond: 0 });
    const first = await s.engine.accounts.ensureFirstAdmin();
    admin = (await s.engine.accounts.principalFor(first.created ? first.username : "admin"))!;
  });
  afterAll(async () => s?.close());

  const errors = (c: CellView) => [c.error ?? "", ...c.logs.filter((l) => l.level === "ERROR").map((l) => l.message)].filter(Boolean);

  it("Alerts overview counts the stored alerts by name and by client", async () => {
    const now = Date.now() / 1000;
    // Server.Internal.Alerts is a SERVER_EVENT queue: Velociraptor stores its rows as the
    // server's, the client that raised each alert in its client_id column.
    await s.engine.journal.append("Server.Internal.Alerts", [
      { client_id: "C.00000000000000a1", name: "Renamed schtasks", _ts: now, severity: "high", artifact: "Windows.Detection.ProcessCreation", event_data: { Image: "x.exe" } },
      { client_id: "C.00000000000000a1", name: "Renamed schtasks", _ts: now, severity: "high", artifact: "Windows.Detection.ProcessCreation", event_data: { Image: "y.exe" } },
      { client_id: "C.00000000000000b2", name: "Logon of adm_peter", _ts: now, severity: "medium", artifact: "Windows.Events.Trackaccount", event_data: {} },
    ]);
    // What Server.Alerts.ProcessCreation stored: the seed's overview reads the server's rows.
    await s.engine.journal.append("Server.Alerts.ProcessCreation", [{ CommandLine: "msupd.exe /ru system", ClientId: "C.00000000000000a1", Response: 200, _ts: now }], { clientId: "server" });
    const nb = await s.engine.notebooks.create(admin, { name: "alerts", template: "alerts-overview" });
    // A notebook made from a template runs its cells (as Velociraptor's do); run any that did not.
    for (const cell of nb.cells.filter((c) => c.type === "vql" && c.status === "edited")) await s.engine.notebooks.runCell(admin, nb.id, cell.id, {});
    const results = await waitFor(async () => {
      const cells = (await s.engine.notebooks.get(admin, nb.id)).cells.filter((c) => c.type === "vql");
      return cells.every((c) => !["queued", "running", "edited"].includes(c.status)) ? cells : undefined;
    }, "the template's cells to finish");
    for (const c of results) expect(errors(c)).toEqual([]);
    const byName = await s.engine.notebooks.rows(admin, nb.id, results[0]!.id, results[0]!.tables[0]!.id, { offset: 0, limit: 10 });
    expect(byName.rows.map((r) => JSON.parse(r.json) as Record<string, unknown>).map((r) => [r.Alert, r.Count])).toEqual([["Renamed schtasks", 2], ["Logon of adm_peter", 1]]);
    const byClient = await s.engine.notebooks.rows(admin, nb.id, results[1]!.id, results[1]!.tables[0]!.id, { offset: 0, limit: 10 });
    expect(byClient.rows.map((r) => JSON.parse(r.json) as Record<string, unknown>).map((r) => [r.ClientId, r.Count])).toEqual([["C.00000000000000a1", 2], ["C.00000000000000b2", 1]]);
    const latest = await s.engine.notebooks.rows(admin, nb.id, results[2]!.id, results[2]!.tables[0]!.id, { offset: 0, limit: 10 });
    const details = latest.rows.map((r) => JSON.parse(r.json) as Record<string, unknown>).filter((r) => r.Alert === "Renamed schtasks").map((r) => (r.Details as { Image: string }).Image);
    expect(details.sort()).toEqual(["x.exe", "y.exe"]);
    const forwarded = await s.engine.notebooks.rows(admin, nb.id, results[3]!.id, results[3]!.tables[0]!.id, { offset: 0, limit: 10 });
    expect(forwarded.rows.map((r) => (JSON.parse(r.json) as Record<string, unknown>).ClientId)).toEqual(["C.00000000000000a1"]);
  });

  it("Label clients automatically: the watching cell runs until cancelled, with no error", async () => {
    const nb = await s.engine.notebooks.create(admin, { name: "labels", template: "label-clients" });
    const last = nb.cells.filter((c) => c.type === "vql").at(-1)!;
    await s.engine.notebooks.runCell(admin, nb.id, last.id, {});
    await new Promise((r) => setTimeout(r, 1500));
    const running = (await s.engine.notebooks.get(admin, nb.id)).cells.find((c) => c.id === last.id)!;
    expect(running.status).toBe("running");
    expect(errors(running)).toEqual([]);
    await s.engine.notebooks.cancelCell(admin, nb.id, last.id);
    const done = await waitFor(async () => {
      const c = (await s.engine.notebooks.get(admin, nb.id)).cells.find((x) => x.id === last.id)!;
      return c.status !== "running" ? c : undefined;
    }, "the cell to stop");
    expect(done.status).toBe("cancelled");
  });
});
