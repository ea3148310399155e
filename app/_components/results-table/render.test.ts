import { describe, expect, it } from "vitest";
import { epochToDate, isId, isTimeColumn, splitId, timeOf } from "./render";

// 2026-01-02T03:04:05Z is 1767323045 seconds after the epoch (computed: 56 years of days to
// 2026-01-01 = 20454 days * 86400 = 1767225600, plus 1 day 03:04:05 = 97445).
const S = 1767225600 + 86400 + 3 * 3600 + 4 * 60 + 5;
const ISO = "2026-01-02T03:04:05.000Z";
const ISO_S = "2026-01-02T03:04:05Z";

describe("time columns", () => {
  it("recognises Velociraptor's and Talon's time column names", () => {
    for (const n of ["create_time", "start_time", "last_seen_at", "first_seen_at", "Timestamp", "timestamp", "_ts", "Time", "CreateTime", "BootTime", "event_timestamp"]) expect(isTimeColumn(n), n).toBe(true);
    for (const n of ["Uptime", "uptime", "Status", "format", "Hits", "TimeoutSec", "client_id"]) expect(isTimeColumn(n), n).toBe(false);
  });

  it("reads an epoch number in seconds, milliseconds, microseconds or nanoseconds by its size", () => {
    expect(epochToDate(S)?.toISOString()).toBe(ISO);
    expect(epochToDate(S * 1e3)?.toISOString()).toBe(ISO);
    expect(epochToDate(S * 1e6)?.toISOString()).toBe(ISO);
    expect(epochToDate(S * 1e9)?.toISOString()).toBe(ISO);
    expect(epochToDate(0)).toBeUndefined();
    expect(epochToDate(12345)).toBeUndefined();
  });

  it("turns values into times only in time columns or columns typed as timestamps", () => {
    expect(timeOf(S * 1e6, "last_seen_at")).toBe(ISO_S);
    expect(timeOf(S * 1e6 + 250_000, "last_seen_at")).toBe("2026-01-02T03:04:05.250Z");
    expect(timeOf(S, "Size")).toBeUndefined();
    expect(timeOf(S, "Size", "timestamp")).toBe(ISO_S);
    expect(timeOf(String(S), "create_time")).toBe(ISO_S);
    // nano_timestamp: the number is nanoseconds whatever its size suggests.
    expect(timeOf(S * 1e9, "Mtime", "nano_timestamp")).toBe(ISO_S);
    // RFC 3339 text is a time in any column.
    expect(timeOf("2026-01-02T03:04:05Z", "Anything")).toBe("2026-01-02T03:04:05Z");
    expect(timeOf("hello", "Timestamp")).toBeUndefined();
  });
});

describe("ids", () => {
  it("recognises client, flow, hunt and notebook ids and keeps their tail apart", () => {
    expect(isId("C.1a2b3c4d5e6f7a8b")).toBe(true);
    expect(isId("F.CT4KQ1D2ABCDE")).toBe(true);
    expect(isId("H.D1A2B3")).toBe(true);
    expect(isId("NC.12345678-0")).toBe(true);
    expect(isId("C.")).toBe(false);
    expect(isId("Custom.Linux.Sys")).toBe(false);
    expect(splitId("C.1a2b3c4d5e6f7a8b")).toEqual(["C.1a2b3c4d5e", "6f7a8b"]);
    expect(splitId("H.D1A2B3")).toEqual(["H.D1A2B3", ""]);
  });
});
