import { describe, expect, it } from "vitest";
import { isFlowId } from "../../protocol";
import { createIdSource } from "./ids";

const NOTEBOOK = /^N\.[0-9A-V]{13}$/;
const CELL = /^NC\.[0-9A-V]{13}$/;

describe("cluster ids", () => {
  it("two processes (slots 1 and 2) making 100,000 flow ids each in one millisecond never collide, and each sorts ascending", () => {
    const a = createIdSource(() => 1, () => 1_800_000_000_000);
    const b = createIdSource(() => 2, () => 1_800_000_000_000);
    const ia = Array.from({ length: 100_000 }, () => a.flowId());
    const ib = Array.from({ length: 100_000 }, () => b.flowId());
    expect(new Set([...ia, ...ib]).size).toBe(200_000);
    expect([...ia].sort()).toEqual(ia);
    expect(ia.every((id) => isFlowId(id))).toBe(true);
  });

  it("flow ids sort by creation time across milliseconds", () => {
    let t = 1_800_000_000_000;
    const s = createIdSource(() => 7, () => t);
    const first = s.flowId();
    t += 1;
    expect(s.flowId() > first).toBe(true);
  });

  it("notebook and cell ids from two slots in the same second differ and keep the N./NC. shape", () => {
    const a = createIdSource(() => 0, () => 1_800_000_000_000);
    const b = createIdSource(() => 1023, () => 1_800_000_000_000);
    const ids = [...Array.from({ length: 50_000 }, () => a.notebookId()), ...Array.from({ length: 50_000 }, () => b.notebookId())];
    expect(new Set(ids).size).toBe(100_000);
    expect(ids.every((id) => NOTEBOOK.test(id))).toBe(true);
    expect(CELL.test(a.cellId())).toBe(true);
    expect(a.huntId()).toMatch(/^H\.[0-9A-V]{13}$/);
    expect(a.alertId()).toMatch(/^A\.[0-9A-V]{13}$/);
  });

  it("notebook ids start with the creation second, so later ones sort after earlier ones", () => {
    let t = 1_800_000_000_000;
    const s = createIdSource(() => 3, () => t);
    const first = s.notebookId();
    t += 1000;
    expect(s.notebookId() > first).toBe(true);
  });
});
