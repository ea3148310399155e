import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { createRegistry, portableBuiltins } from "./registry";
import { defineFunction, definePlugin } from "./define";
import { describeBuiltins } from "./describe";
import { arg } from "./arg";

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
