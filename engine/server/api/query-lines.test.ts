import { describe, expect, it } from "vitest";
import type { VqlEvent } from "../../vql";
import { queryLines } from "./query-lines";

async function lines(events: VqlEvent[], source: string): Promise<Record<string, unknown>[]> {
  async function* gen() {
    yield* events;
  }
  const text = await new Response(queryLines(gen(), source)).text();
  return text.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("queryLines()", () => {
  it("ends with a status that counts ERROR lines and repeats the first with its line:col", async () => {
    const source = "SELECT *\nFROM no_such_plugin()";
    const out = await lines(
      [
        { kind: "log", level: "WARN", message: "a warning", time: 1 },
        // Offset 14 is the `n` of no_such_plugin: line 2, column 6.
        { kind: "log", level: "ERROR", message: "Plugin no_such_plugin not found.", code: "VQL3007", span: { start: 14, end: 30 }, time: 2 },
        { kind: "log", level: "ERROR", message: "second", time: 3 },
      ] as VqlEvent[],
      source,
    );
    expect(out.at(-1)).toEqual({ type: "status", ok: false, rows: 0, errors: 2, firstError: { message: "Plugin no_such_plugin not found.", code: "VQL3007", at: "2:6" } });
  });

  it("has no firstError when nothing failed", async () => {
    expect((await lines([], "SELECT 1 FROM scope()")).at(-1)).toEqual({ type: "status", ok: true, rows: 0, errors: 0 });
  });
});
