import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VqlEvent } from "../../vql";
import { createLogger } from "../log";
import { SYSTEM_PRINCIPAL } from "../services/accounts";
import type { Engine, Principal } from "@/engine/server/contracts";
import { permissionsOf } from "../auth/roles";
import { createEngine } from "../wiring";

async function collect(events: AsyncIterable<VqlEvent>) {
  const rows: unknown[] = [];
  const logs: string[] = [];
  for await (const e of events) {
    if (e.kind === "row") rows.push(Object.fromEntries(e.row.keys().map((k: string) => [k, e.row.get(k)])));
    if (e.kind === "log") logs.push(`${e.level}:${e.message}`);
  }
  return { rows, logs };
}

const reader: Principal = { userId: "r", username: "rita", role: "reader", permissions: permissionsOf("reader"), via: "session" };

describe("engine.queries", () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ memory: true, log: createLogger({ quiet: true }) });
  });
  afterAll(() => engine.close());

  it("run() evaluates VQL as the principal with the portable builtins", async () => {
    const { rows } = await collect(engine.queries.run("SELECT _value * 2 AS X FROM range(end=3)", { principal: SYSTEM_PRINCIPAL }));
    expect(rows).toEqual([{ X: 0 }, { X: 2 }, { X: 4 }]);
  });

  it("run() refuses ad-hoc VQL to a principal without ANY_QUERY", () => {
    expect(() => engine.queries.run("SELECT 1 FROM scope()", { principal: reader })).toThrow(/ANY_QUERY/);
  });

  it("run() stops when the engine closes", async () => {
    const other = await createEngine({ memory: true, log: createLogger({ quiet: true }) });
    const events = other.queries.run("SELECT * FROM range(end=1000000000)", { principal: SYSTEM_PRINCIPAL });
    let n = 0;
    const t0 = Date.now();
    for await (const e of events) {
      if (e.kind === "row" && ++n === 10) void other.close();
    }
    expect(n).toBeGreaterThanOrEqual(10);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
