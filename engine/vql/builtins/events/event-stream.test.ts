// eventStream() and pause(): what the event plugins rely on to leave no timer behind.
import { describe, expect, it } from "vitest";
import { collect } from "@/engine/vql/eval/testing";
import { defineFunction } from "../define";
import { pause } from "./event-stream";

const timeouts = defineFunction({
  name: "timeouts",
  category: "test",
  doc: "Test: how many timers the process holds now.",
  args: {},
  run: () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length,
});

describe("pause()", () => {
  it("waits longer than setTimeout's limit without firing early, and stops on abort", async () => {
    const ac = new AbortController();
    const t = performance.now();
    setTimeout(() => ac.abort(), 30);
    await expect(pause(2 ** 31 + 5_000, ac.signal)).rejects.toMatchObject({ name: "AbortError" });
    expect(performance.now() - t).toBeGreaterThanOrEqual(25);
  });

  it("resolves at once for a time that has passed", async () => {
    const t = performance.now();
    await pause(-5_000, new AbortController().signal);
    expect(performance.now() - t).toBeLessThan(20);
  });
});

describe("eventStream()", () => {
  it("closing the stream while the plugin waits clears its timer at once, and the run goes on", async () => {
    // chain(async=TRUE) closes the clock, which is waiting for its next tick, when LIMIT 1 is
    // reached with b's row; the next statement runs while the run still holds its signal.
    const r = await collect(
      `LET before <= timeouts()
       LET first <= SELECT * FROM chain(async=TRUE, a={ SELECT * FROM clock(period=10) }, b={ SELECT 1 AS X FROM scope() }) LIMIT 1
       SELECT first, timeouts() - before AS Extra FROM scope()`,
      { extra: [timeouts] },
    );
    expect(r.rows).toEqual(['{"first":[{"X":1}],"Extra":0}']);
  });

  it("a failure inside the plugin is logged with its name and ends its rows", async () => {
    // clock(start=) with a value that is not a time is reported at the call.
    const r = await collect("SELECT * FROM clock(start='not a time', ms=1)");
    expect(r.rows).toEqual([]);
    expect(r.logs).toEqual(["ERROR 1:15 VQL3020 clock: cannot use not a time as the start time"]);
  });
});
