// Server builtins' arguments added for parity with Velociraptor (issue 15, item 3), over
// stand-in services that record what they are asked: client_set_metadata(metadata, modify,
// keyword arguments), collect_client(max_bytes, urgent), flows(summary), source(count,
// notebook_id...), hunt_flows(basic_info). Expected values from Velociraptor's sources (cited).
import { describe, expect, it } from "vitest";
import { createRegistry, portableBuiltins, runVql, toJsonValue } from "../../vql";
import type { CollectRequest, FlowSummary, VqlServices } from "@/engine/server/contracts";
import { admin } from "./testing";
import { serverBuiltins } from ".";

const registry = createRegistry([...portableBuiltins, ...serverBuiltins]);
const ID = "C.0123456789abcdef";

const flow: FlowSummary = {
  flowId: "F.ABC",
  clientId: ID,
  creator: "alice",
  state: "FINISHED",
  status: "",
  artifacts: ["Generic.Client.Info"],
  parameters: {},
  timeoutMs: 600_000,
  maxRows: 1000,
  createdAt: new Date(0),
  startedAt: null,
  activeAt: null,
  finishedAt: null,
  totalRows: 3,
  totalLogs: 0,
  totalUploadedFiles: 0,
  totalUploadedBytes: 0,
  artifactsWithResults: [],
  sources: [],
};

function services() {
  let metadata: Record<string, string> = { Owner: "ir", Old: "x" };
  const collected: CollectRequest[] = [];
  const s = {
    artifacts: { get: () => ({ name: "Generic.Client.Info", type: "CLIENT" }) },
    clients: {
      metadata: async () => ({ ...metadata }),
      setMetadata: async (_a: unknown, _id: string, set: Record<string, string>, remove: string[]) => {
        metadata = { ...metadata, ...set };
        for (const k of remove) delete metadata[k];
        return { ...metadata };
      },
    },
    flows: {
      collect: async (_a: unknown, r: CollectRequest) => {
        collected.push(r);
        return flow;
      },
      get: async () => flow,
      list: async () => ({ items: [flow], total: 1 }),
      results: async (_a: unknown, p: { offset: number; limit: number }) => {
        const all = Array.from({ length: 10 }, (_, i) => ({ N: i }));
        return { columns: ["N"], rows: all.slice(p.offset, p.offset + p.limit), total: 10 };
      },
    },
    notebooks: {
      get: async () => ({ cells: [{ id: "NC.1", version: 3, tables: [{ id: 77, idx: 0 }, { id: 78, idx: 1 }] }] }),
      rows: async (_a: unknown, _id: string, _cell: string, tableId: number, p: { offset: number; limit: number }) => {
        const all = Array.from({ length: 5 }, (_, i) => ({ "T": tableId, "I": i }));
        return { rows: all.slice(p.offset, p.offset + p.limit).map((r, i) => ({ ord: p.offset + i, json: JSON.stringify(r) })) };
      },
    },
  };
  return { s: s as unknown as VqlServices, collected, metadata: () => metadata };
}

async function vql(text: string, svc: VqlServices) {
  const rows: unknown[] = [];
  const logs: string[] = [];
  for await (const e of runVql(text, { registry, host: { principal: admin, services: svc }, permissions: admin.permissions })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row));
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

describe("client_set_metadata()", () => {
  // Velociraptor vql/server/clients/metadata.go: FreeFormArgs (kwargs are the metadata when
  // `metadata` is absent), `modify` is a lambda given the current metadata, and it returns TRUE.
  it("takes keyword arguments and returns TRUE", async () => {
    const t = services();
    const r = await vql(`SELECT client_set_metadata(client_id='${ID}', Team='blue', Old=NULL) AS S FROM scope()`, t.s);
    expect(r.rows).toEqual([{ S: true }]);
    expect(t.metadata()).toEqual({ Owner: "ir", Team: "blue" });
  });
  it("modify replaces the metadata with what the lambda returns", async () => {
    const t = services();
    const r = await vql(`SELECT client_set_metadata(client_id='${ID}', modify='m => dict(Owner=m.Owner + "-2", New="y")') AS S FROM scope()`, t.s);
    expect(r.rows).toEqual([{ S: true }]);
    expect(t.metadata()).toEqual({ Owner: "ir-2", New: "y" });
  });
});

describe("collect_client(), flows(), source(), hunt_flows()", () => {
  // Velociraptor vql/server/flows/create.go: max_bytes is MaxUploadBytes, urgent is the
  // request's Urgent flag.
  it("collect_client passes max_bytes and urgent, and accepts the throttles", async () => {
    const t = services();
    const r = await vql(`SELECT collect_client(client_id='${ID}', artifacts='Generic.Client.Info', max_bytes=1000, urgent=TRUE, cpu_limit=50, iops_limit=10, ops_per_sec=5).flow_id AS F FROM scope()`, t.s);
    expect(r.rows).toEqual([{ F: "F.ABC" }]);
    expect(t.collected[0]).toMatchObject({ maxUploadBytes: 1000, urgent: true });
  });
  // vql/server/flows/flows.go: summary asks the launcher for flows without Request.
  it("flows(summary=TRUE) rows have no request", async () => {
    const t = services();
    const full = await vql(`SELECT * FROM flows(client_id='${ID}')`, t.s);
    const summary = await vql(`SELECT * FROM flows(client_id='${ID}', summary=TRUE)`, t.s);
    expect(Object.keys(full.rows[0] as object)).toContain("request");
    expect(Object.keys(summary.rows[0] as object)).not.toContain("request");
    expect(summary.rows[0]).toMatchObject({ session_id: "F.ABC", total_collected_rows: 3 });
  });
  // vql/server/flows/results.go: `count` is the row limit (field Limit, 0 = all).
  it("source(count=) limits the rows", async () => {
    const t = services();
    const r = await vql(`SELECT N FROM source(client_id='${ID}', flow_id='F.ABC', artifact='Generic.Client.Info', count=3, start_row=2)`, t.s);
    expect(r.rows).toEqual([{ N: 2 }, { N: 3 }, { N: 4 }]);
  });
  // results.go getNotebookResultSetReader: table 0 means 1, the cell's first table.
  it("source(notebook_id=) reads a cell's result table", async () => {
    const t = services();
    const first = await vql("SELECT * FROM source(notebook_id='N.1', notebook_cell_id='NC.1', count=2)", t.s);
    expect(first.rows).toEqual([{ T: 77, I: 0 }, { T: 77, I: 1 }]);
    const second = await vql("SELECT * FROM source(notebook_id='N.1', notebook_cell_id='NC.1', notebook_cell_table=2, start_row=4)", t.s);
    expect(second.rows).toEqual([{ T: 78, I: 4 }]);
    const old = await vql("SELECT * FROM source(notebook_id='N.1', notebook_cell_id='NC.1', notebook_cell_version='1')", t.s);
    expect(old.rows).toEqual([]);
    expect(old.logs.join("\n")).toMatch(/keeps the results of its version 3 only/);
  });
});
