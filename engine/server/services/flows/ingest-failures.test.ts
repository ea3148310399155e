import { describe, expect, it } from "vitest";
import { describeFailure, isContentFailure, isolateFailure, type Isolatable } from "./ingest-failures";

type It = Isolatable & { poison?: boolean; stored?: boolean; refused?: Error };
const item = (clientId: string, seq: number, poison = false): It => {
  const it: It = { clientId, message: { seq, type: "rows" }, poison, reject: (err) => void (it.refused = err) };
  return it;
};

/** A writer that fails any group holding a poisoned item, like one transaction would. */
const writer = (calls: string[][]) => async (items: It[]) => {
  calls.push(items.map((i) => `${i.clientId}:${i.message.seq}`));
  if (items.some((i) => i.poison)) throw Object.assign(new Error("Failed query: insert ...\nparams: SECRET-ROW"), { cause: { code: "22P05", message: "unsupported Unicode escape sequence" } });
  for (const i of items) i.stored = true;
};

describe("isolateFailure()", () => {
  it("stores every other agent's messages and refuses only the poisoned one and that agent's later ones", async () => {
    const items = [item("C.a", 1), item("C.b", 1), item("C.a", 2, true), item("C.b", 2), item("C.a", 3), item("C.c", 1)];
    const calls: string[][] = [];
    const warnings: string[] = [];
    await isolateFailure(items, writer(calls), { warn: (m, f) => warnings.push(`${m} ${JSON.stringify(f)}`) });
    expect(items.map((i) => (i.stored ? "stored" : i.refused ? "refused" : "?"))).toEqual(["stored", "stored", "refused", "stored", "refused", "stored"]);
    // C.a's group failed, then its messages one by one until the poisoned one.
    expect(calls).toEqual([["C.a:1", "C.a:2", "C.a:3"], ["C.a:1"], ["C.a:2"], ["C.b:1", "C.b:2"], ["C.c:1"]]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/"clientId":"C.a","seq":2,"type":"rows","refused":2,"code":"22P05","error":"unsupported Unicode escape sequence"/);
    expect(warnings.join("\n")).not.toContain("SECRET-ROW");
  });
});

describe("describeFailure() and isContentFailure()", () => {
  it("keeps the code and the database's reason, never drizzle's query text and parameters", () => {
    const wrapped = Object.assign(new Error('Failed query: insert into "flow_results" ...\nparams: [{"Secret":"hunter2"}]'), { cause: Object.assign(new Error("invalid input syntax for type json"), { code: "22P02" }) });
    expect(describeFailure(wrapped)).toEqual({ code: "22P02", error: "invalid input syntax for type json" });
    expect(describeFailure(new Error('Failed query: select 1\nparams: ["hunter2"]'))).toEqual({ error: "the query failed" });
    expect(describeFailure(new Error("boom\nparams: hunter2"))).toEqual({ error: "boom" });
  });

  it("splits for data exceptions, program limits and JavaScript errors; not for connection trouble", () => {
    expect(isContentFailure({ code: "22P05" })).toBe(true);
    expect(isContentFailure({ cause: { code: "54001" } })).toBe(true);
    expect(isContentFailure(new RangeError("Maximum call stack size exceeded"))).toBe(true);
    expect(isContentFailure({ code: "CONNECTION_CLOSED" })).toBe(false);
    expect(isContentFailure({ code: "57P01" })).toBe(false);
    expect(isContentFailure({ code: "08006" })).toBe(false);
  });
});
