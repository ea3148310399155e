/**
 * compileExpr: turns an expression node into a closure `(scope) => value | Promise`, once per
 * query. One case per node kind; operators, names and calls live in their own modules.
 */
import type { ArrayExpr, Expr, IndexExpr, SliceExpr } from "../ast/types";
import { negate } from "../values/arithmetic";
import { getIndex, getSlice } from "../values/access";
import { Bytes } from "../values/bytes";
import type { MaybePromise } from "../values/query";
import type { CompileContext, Ev } from "./compile-context";
import { compileAnd, compileBinary, compileCompare, compileNot, compileOr } from "./operators";
import { compileSymbol, memberOf } from "./symbols";
import { compileCall } from "./calls";
import { StoredQuery } from "./query-values";
import { needsResolve, resolveOperand } from "./truth";

function constant(v: unknown): Ev {
  return () => v;
}

function binaryString(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

export function compileExpr(e: Expr, cc: CompileContext): Ev {
  const rec = (x: Expr) => compileExpr(x, cc);
  switch (e.kind) {
    case "number":
      return constant(e.int64 !== undefined ? Number(e.int64) : e.value);
    case "string":
      return constant(e.isUtf8 ? e.value : new Bytes(binaryString(e.bytes)));
    case "bool":
      return constant(e.value);
    case "null":
    case "error":
      return constant(null);
    case "symbol":
      return compileSymbol(e);
    case "call":
      return compileCall(e, cc, rec);
    case "member": {
      const obj = rec(e.object);
      const name = e.property.name;
      return (s) => memberOf(obj(s), name, s);
    }
    case "index":
      return compileIndex(e, rec);
    case "slice":
      return compileSlice(e, rec);
    case "negate": {
      const op = rec(e.operand);
      return (s) => {
        const v = op(s);
        if (typeof v === "number") return v === 0 ? 0 : -v;
        if (v instanceof Promise) return v.then(negateResolved);
        return negateResolved(v);
      };
    }
    case "not":
      return compileNot(e, rec(e.operand));
    case "binary":
      return compileBinary(e, rec(e.left), rec(e.right));
    case "compare":
      return compileCompare(e, rec(e.left), rec(e.right));
    case "and":
      return compileAnd(e, rec(e.left), rec(e.right));
    case "or":
      return compileOr(e, rec(e.left), rec(e.right));
    case "paren":
      return rec(e.expr);
    case "array":
      return compileArray(e, rec);
    case "subquery": {
      const q = new StoredQuery(cc.compileQuery(e.query));
      return constant(q);
    }
  }
}

function negateResolved(v: unknown): unknown {
  // A stored query or lazy value negates to NULL (REFERENCE §3).
  return negate(v);
}

function compileArray(e: ArrayExpr, rec: (x: Expr) => Ev): Ev {
  const els = e.elements.map(rec);
  if (e.collapse && els.length === 1) return els[0]!;
  const n = els.length;
  return (s) => {
    const out = new Array<unknown>(n);
    let pending = false;
    for (let i = 0; i < n; i++) {
      const v = els[i]!(s);
      if (v instanceof Promise) pending = true;
      out[i] = v;
    }
    return pending ? Promise.all(out) : out;
  };
}

function compileIndex(e: IndexExpr, rec: (x: Expr) => Ev): Ev {
  const obj = rec(e.object);
  const idx = rec(e.index);
  return (s) => {
    const o = obj(s);
    const i = idx(s);
    if (needsResolve(o) || needsResolve(i)) return both(o, i, s, getIndex);
    return getIndex(o, i);
  };
}

function compileSlice(e: SliceExpr, rec: (x: Expr) => Ev): Ev {
  const obj = rec(e.object);
  const a = e.start ? rec(e.start) : undefined;
  const b = e.end ? rec(e.end) : undefined;
  return (s) => {
    const o = obj(s);
    const x = a ? a(s) : undefined;
    const y = b ? b(s) : undefined;
    if (needsResolve(o) || needsResolve(x) || needsResolve(y)) {
      return Promise.all([resolveOperand(o, s), resolveOperand(x, s), resolveOperand(y, s)]).then(([p, q, r]) =>
        getSlice(p, q, r),
      );
    }
    return getSlice(o, x, y);
  };
}

function both(a: unknown, b: unknown, s: Parameters<Ev>[0], f: (x: unknown, y: unknown) => unknown): MaybePromise<unknown> {
  return Promise.all([resolveOperand(a, s), resolveOperand(b, s)]).then(([x, y]) => f(x, y));
}
