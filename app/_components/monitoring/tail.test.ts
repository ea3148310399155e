// The live tail keeps the newest rows first, at most its cap, counts what it does not show,
// ignores other messages; a picked day is the UTC day.
import { describe, expect, it } from "vitest";
import { addBatch, columnsOf, emptyTail, todayUtc, utcDay } from "./tail";

const row = (n: number, clientId = "server") => ({ at: `2026-01-01T00:00:${String(n).padStart(2, "0")}Z`, clientId, row: { N: n } });

describe("addBatch()", () => {
  it("puts each batch in front, newest first", () => {
    let t = addBatch(emptyTail, { type: "events", rows: [row(1), row(2)], skipped: 0 });
    t = addBatch(t, { type: "events", rows: [row(3)], skipped: 0 });
    expect(t.rows.map((r) => r.row.N)).toEqual([3, 2, 1]);
    expect(t.notShown).toBe(0);
  });

  it("keeps at most the cap and counts the dropped and the server's skipped rows as not shown", () => {
    let t = addBatch(emptyTail, { type: "events", rows: [row(1), row(2), row(3)], skipped: 0 }, 2);
    expect(t.rows.map((r) => r.row.N)).toEqual([3, 2]);
    expect(t.notShown).toBe(1);
    t = addBatch(t, { type: "events", rows: [], skipped: 40 }, 2);
    expect(t.rows.map((r) => r.row.N)).toEqual([3, 2]);
    expect(t.notShown).toBe(41);
  });

  it("returns the same tail for other messages and malformed rows", () => {
    const t = addBatch(emptyTail, { type: "events", rows: [row(1)], skipped: 0 });
    expect(addBatch(t, { type: "subscribed" })).toBe(t);
    expect(addBatch(t, { type: "events", rows: [{ at: 1 }, "x"], skipped: 0 })).toBe(t);
  });

  it("does not change the message it was given", () => {
    const rows = [row(1), row(2)];
    addBatch(emptyTail, { type: "events", rows, skipped: 0 });
    expect(rows.map((r) => r.row.N)).toEqual([1, 2]);
  });
});

describe("columnsOf()", () => {
  it("lists every column once in order of first appearance", () => {
    expect(columnsOf([{ at: "", clientId: "", row: { A: 1, B: 2 } }, { at: "", clientId: "", row: { C: 1, A: 2 } }])).toEqual(["A", "B", "C"]);
  });
});

describe("utcDay()", () => {
  it("is midnight to midnight UTC in epoch seconds", () => {
    expect(utcDay("2026-03-05")).toEqual({ start: Date.UTC(2026, 2, 5) / 1000, end: Date.UTC(2026, 2, 6) / 1000 });
  });
  it("refuses anything that is not a date", () => {
    expect(utcDay("")).toBeUndefined();
    expect(utcDay("yesterday")).toBeUndefined();
  });
  it("todayUtc() is the UTC date, not the local one", () => {
    expect(todayUtc(new Date("2026-03-05T23:30:00-05:00"))).toBe("2026-03-06");
  });
});
