// The clients routes' zod schemas: label changes, metadata changes, and a client's collections
// (a new one, and the list's paging).
import { describe, expect, it } from "vitest";
import { ClientFlowsQuery, CollectOne, LabelChange, MetadataChange } from "./schemas";

const id = "C.0123456789abcdef";

describe("labels and metadata bodies", () => {
  it("LabelChange takes client ids, labels (trimmed) and set or remove", () => {
    expect(LabelChange.parse({ clientIds: [id], labels: [" web "], op: "set" })).toEqual({ clientIds: [id], labels: ["web"], op: "set" });
    expect(LabelChange.parse({ clientIds: [], labels: [], op: "remove" })).toEqual({ clientIds: [], labels: [], op: "remove" });
    expect(LabelChange.safeParse({ clientIds: [id], labels: ["web"], op: "add" }).success).toBe(false);
    expect(LabelChange.safeParse({ clientIds: id, labels: ["web"], op: "set" }).success).toBe(false);
    expect(LabelChange.safeParse({ clientIds: [id], labels: "web", op: "set" }).success).toBe(false);
    expect(LabelChange.safeParse({ clientIds: [id], labels: [3], op: "set" }).success).toBe(false);
    expect(LabelChange.safeParse({ clientIds: [id], labels: ["x".repeat(101)], op: "set" }).success).toBe(false);
    expect(LabelChange.safeParse({ labels: ["web"], op: "set" }).success).toBe(false);
  });

  it("MetadataChange writes values as text, null as empty; set and remove default to none", () => {
    expect(MetadataChange.parse({})).toEqual({ set: {}, remove: [] });
    expect(MetadataChange.parse({ set: null, remove: null })).toEqual({ set: {}, remove: [] });
    expect(MetadataChange.parse({ set: { owner: "ops", rack: 7, managed: true, gone: null }, remove: ["old"] })).toEqual({ set: { owner: "ops", rack: "7", managed: "true", gone: "" }, remove: ["old"] });
    expect(MetadataChange.safeParse({ set: ["owner"] }).success).toBe(false);
    expect(MetadataChange.safeParse({ set: { owner: { name: "ops" } } }).success).toBe(false);
    expect(MetadataChange.safeParse({ remove: "old" }).success).toBe(false);
    expect(MetadataChange.safeParse({ remove: [1] }).success).toBe(false);
  });
});

describe("a client's collections", () => {
  it("CollectOne is a collection: artifacts needed, parameters default to {}", () => {
    expect(CollectOne.parse({ artifacts: ["Linux.Sys.BashShell"], parameters: { "Linux.Sys.BashShell": { Command: "id" } } })).toEqual({ artifacts: ["Linux.Sys.BashShell"], parameters: { "Linux.Sys.BashShell": { Command: "id" } } });
    expect(CollectOne.safeParse({ parameters: {} }).success).toBe(false);
  });

  it("ClientFlowsQuery pages from 0 by 50, at most 1000, and names an artifact", () => {
    expect(ClientFlowsQuery.parse({})).toEqual({ offset: 0, limit: 50 });
    expect(ClientFlowsQuery.parse({ offset: "20", limit: "10", artifact: "Linux.Sys.BashShell" })).toEqual({ offset: 20, limit: 10, artifact: "Linux.Sys.BashShell" });
    expect(ClientFlowsQuery.safeParse({ limit: "1001" }).success).toBe(false);
    expect(ClientFlowsQuery.safeParse({ limit: "0" }).success).toBe(false);
    expect(ClientFlowsQuery.safeParse({ offset: "-1" }).success).toBe(false);
    expect(ClientFlowsQuery.safeParse({ offset: "next" }).success).toBe(false);
    expect(ClientFlowsQuery.safeParse({ artifact: "Linux.Sys.BashShell'; --" }).success).toBe(false);
  });
});
