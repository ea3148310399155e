/**
 * patch(): a copy of a value changed by a JSON Patch (RFC 6902: add, remove, replace, move,
 * copy, test) or a JSON Merge Patch (RFC 7386), as Velociraptor's patch()
 * (vql/functions/patch.go). The item is not changed in place. Written for Talon from the RFCs.
 */
import { toJsonText } from "../../values/json";
import { dictGet, dictKeys, isDictLike, OrderedDict } from "../../values/ordered-dict";
import { equals } from "../../values/equality";
import { arg } from "../arg";
import { defineFunction } from "../define";
import { parseJsonOrdered } from "../text/json-parse";

/** A deep copy as plain VQL data (dicts as OrderedDict), through its JSON form. */
const clone = (v: unknown): unknown => parseJsonOrdered(toJsonText(v ?? null), false);

function pointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw new Error(`invalid JSON pointer ${JSON.stringify(path)}`);
  return path
    .slice(1)
    .split("/")
    .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
}

function parentOf(doc: unknown, parts: string[]): [unknown, string] {
  let v = doc;
  for (const p of parts.slice(0, -1)) {
    v = Array.isArray(v) ? v[Number(p)] : v instanceof OrderedDict ? v.get(p) : undefined;
    if (v === undefined) throw new Error(`path ${parts.join("/")} does not exist`);
  }
  return [v, parts.at(-1)!];
}

function getAt(doc: unknown, parts: string[]): unknown {
  let v = doc;
  for (const p of parts) {
    v = Array.isArray(v) ? v[Number(p)] : v instanceof OrderedDict ? v.get(p) : undefined;
    if (v === undefined) throw new Error(`path /${parts.join("/")} does not exist`);
  }
  return v;
}

function applyOp(doc: unknown, op: OrderedDict): unknown {
  const kind = String(op.get("op") ?? "");
  const parts = pointer(String(op.get("path") ?? ""));
  const add = (d: unknown, ps: string[], value: unknown): unknown => {
    if (ps.length === 0) return value;
    const [parent, key] = parentOf(d, ps);
    if (Array.isArray(parent)) {
      const i = key === "-" ? parent.length : Number(key);
      if (!Number.isInteger(i) || i < 0 || i > parent.length) throw new Error(`index ${key} out of range`);
      parent.splice(i, 0, value);
    } else if (parent instanceof OrderedDict) parent.replace(key, value);
    else throw new Error("cannot add to a scalar");
    return d;
  };
  const remove = (d: unknown, ps: string[]): unknown => {
    const [parent, key] = parentOf(d, ps);
    const value = getAt(d, ps);
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else (parent as OrderedDict).delete(key);
    return value;
  };
  switch (kind) {
    case "add":
      return add(doc, parts, clone(op.get("value")));
    case "remove":
      remove(doc, parts);
      return doc;
    case "replace":
      getAt(doc, parts);
      if (parts.length === 0) return clone(op.get("value"));
      remove(doc, parts);
      return add(doc, parts, clone(op.get("value")));
    case "move":
    case "copy": {
      const from = pointer(String(op.get("from") ?? ""));
      const value = kind === "move" ? remove(doc, from) : clone(getAt(doc, from));
      return add(doc, parts, value);
    }
    case "test":
      if (!equals(getAt(doc, parts), op.get("value"))) throw new Error(`test failed at ${op.get("path")}`);
      return doc;
    default:
      throw new Error(`unexpected op ${JSON.stringify(kind)}`);
  }
}

/** RFC 7386 merge: dict members merge recursively, NULL removes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isDictLike(patch)) return clone(patch);
  const out = target instanceof OrderedDict ? target : new OrderedDict();
  for (const k of dictKeys(patch)) {
    const v = dictGet(patch, k);
    if (v === null || v === undefined) out.delete(k);
    else out.replace(k, mergePatch(out.get(k), v));
  }
  return out;
}

export const patchFunction = defineFunction({
  name: "patch",
  category: "misc",
  doc: "A copy of `item` changed by a JSON patch (a list of {op, path, value, from}) or a JSON merge patch (a dict).",
  args: {
    item: arg.any().required().doc("The item to patch."),
    patch: arg.any().doc("A JSON patch to apply."),
    merge: arg.any().doc("A merge patch to apply."),
  },
  run({ item, patch, merge }, ctx) {
    try {
      let doc = clone(item);
      if (patch !== undefined && patch !== null) {
        const ops = clone(Array.isArray(patch) ? patch : [patch]) as unknown[];
        for (const op of ops) {
          if (!(op instanceof OrderedDict)) throw new Error("a JSON patch is a list of operations");
          doc = applyOp(doc, op);
        }
      }
      if (merge !== undefined && merge !== null) doc = mergePatch(doc, clone(merge));
      return doc;
    } catch (err) {
      ctx.log("ERROR", `patch: ${(err as Error).message}`);
      return null;
    }
  },
});
