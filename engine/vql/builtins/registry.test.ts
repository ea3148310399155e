import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { createRegistry, portableBuiltins } from "./registry";
import { defineFunction, definePlugin } from "./define";
import { describeBuiltins } from "./describe";
import { arg } from "./arg";
import { Bytes } from "../values/bytes";
import { OrderedDict } from "../values/ordered-dict";
import { Timestamp } from "../values/timestamp";
import type { BuiltinContext, FunctionBuiltin } from "./types";

const GOLDEN = path.join(path.dirname(fileURLToPath(import.meta.url)), "descriptors.golden.json");

describe("createRegistry()", () => {
  it("indexes functions and plugins separately; a function and a plugin may share a name", () => {
    const r = createRegistry(portableBuiltins);
    expect(r.functions.get("if")?.kind).toBe("function");
    expect(r.plugins.get("if")?.kind).toBe("plugin");
    expect(r.functions.has("range")).toBe(false);
  });

  it("throws on a duplicate name of the same kind", () => {
    const f = defineFunction({ name: "dup", category: "test", doc: "d", args: {}, run: () => 1 });
    expect(() => createRegistry([f, { ...f }])).toThrow("duplicate VQL function `dup`");
    expect(() => createRegistry([...portableBuiltins, definePlugin({ name: "range", category: "t", doc: "d", args: {}, *run() {} })])).toThrow(
      "duplicate VQL plugin `range`",
    );
  });
});

describe("describeBuiltins()", () => {
  const descriptors = describeBuiltins(createRegistry(portableBuiltins));

  it("documents every builtin and every argument (lint by test)", () => {
    const missing: string[] = [];
    for (const d of descriptors) {
      if (!d.doc.trim()) missing.push(`${d.kind} ${d.name}`);
      for (const a of d.args) if (!a.doc.trim()) missing.push(`${d.kind} ${d.name}(${a.name})`);
      if (d.freeArgs && !d.freeArgs.doc.trim()) missing.push(`${d.kind} ${d.name}(free-form args)`);
    }
    expect(missing).toEqual([]);
  });

  it("describes argument types, requiredness, defaults and constraints", () => {
    const range = descriptors.find((d) => d.name === "range" && d.kind === "plugin")!;
    expect(range.args).toEqual([
      { name: "start", type: "int", doc: "First value.", required: false, repeated: false, default: 0 },
      { name: "end", type: "int", doc: "Stop before this value.", required: true, repeated: false },
      { name: "step", type: "int", doc: "Increment (at least 1).", required: false, repeated: false, default: 1, min: 1 },
    ]);
    const join = descriptors.find((d) => d.name === "join")!;
    expect(join.args[0]).toMatchObject({ name: "array", type: "list<string>", repeated: true, required: true });
    const custom = describeBuiltins([
      definePlugin({ name: "p", category: "c", doc: "d", args: { a: arg.string().doc("x") }, permissions: ["EXECVE"], platforms: ["client"], version: 2, *run() {} }),
    ]);
    expect(custom[0]).toMatchObject({ permissions: ["EXECVE"], platforms: ["client"], version: 2 });
  });

  it("matches descriptors.golden.json (API changes show up as a diff; UPDATE_GOLDEN=1 rewrites)", () => {
    const text = JSON.stringify(descriptors, null, 1) + "\n";
    if (process.env.UPDATE_GOLDEN || !existsSync(GOLDEN)) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, "utf8"));
  });
});

describe("unary entry points", () => {
  const unary = portableBuiltins.filter((b): b is FunctionBuiltin => b.kind === "function" && b.unary !== undefined);
  const samples: unknown[] = [0, 7, -3.7, 1e300, Number.NaN, "", "42", "0x10", "Hello", true, false, null, [1, 2], new OrderedDict([["a", 1]]), new Bytes(new Uint8Array([104, 105])), Timestamp.fromDate(new Date(0))];

  it("exist only where the other arguments have no defaults and run() takes no context", () => {
    expect(unary.map((b) => b.name).sort()).toEqual(["int", "len", "lowcase", "str", "upcase"]);
    for (const b of unary) {
      const [, ...others] = Object.values(b.args);
      expect(others.filter((a) => a.hasDefault), b.name).toEqual([]);
      expect(b.run.length, b.name).toBeLessThan(2);
    }
  });

  it("agree with run() on the same (coerced) argument", () => {
    for (const b of unary) {
      const first = Object.keys(b.args)[0]!;
      for (const v of samples) {
        // The string builtins receive coerced strings only.
        if (b.args[first]!.kind === "string" && typeof v !== "string") continue;
        const viaRun = b.run({ [first]: v } as never, undefined as unknown as BuiltinContext, []);
        expect((b.unary as (x: unknown) => unknown)(v), `${b.name}(${String(v)})`).toEqual(viaRun);
      }
    }
  });
});
