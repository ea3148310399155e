/**
 * Compiled operators: arithmetic, comparisons, IN, =~, NOT, AND/OR with VQL's value-returning
 * short-circuit rules (REFERENCE §6.7). Each closure takes a sync fast path and switches to a
 * Promise only when an operand is async, a stored query or a lazy value.
 */
import type { AndExpr, BinaryExpr, CompareExpr, Expr, NotExpr, NumberLiteral, OrExpr, Span } from "../ast/types";
import { add, divide, multiply, subtract } from "../values/arithmetic";
import { equals } from "../values/equality";
import { greaterThan, lessThan } from "../values/ordering";
import { isMember } from "../values/membership";
import { isTruthy } from "../values/truthy";
import { compileMatchPattern, matchValue, regexMatch } from "../regex/match";
import { isRegexError } from "../regex/compile";
import type { MaybePromise } from "../values/query";
import type { Ev } from "./compile-context";
import type { Scope } from "./scope";
import { needsResolve, resolveOperand, truthyOf } from "./truth";

type Op = (a: unknown, b: unknown) => unknown;

function modulo(a: unknown, b: unknown): unknown {
  if (typeof a !== "number" || typeof b !== "number" || b === 0) return null;
  return a % b;
}

const ARITH: Record<BinaryExpr["op"], Op> = { "+": add, "-": subtract, "*": multiply, "/": divide, "%": modulo };

/** Applies op after resolving both operands (async path). */
async function slow(a: unknown, r: Ev, s: Scope, op: Op, bDone?: unknown): Promise<unknown> {
  const x = await resolveOperand(a, s);
  const y = await resolveOperand(bDone === undefined ? r(s) : bDone, s);
  return op(x, y);
}

export function binary(l: Ev, r: Ev, op: Op): Ev {
  return (s) => {
    const a = l(s);
    if (needsResolve(a)) return slow(a, r, s, op);
    const b = r(s);
    if (needsResolve(b)) return slow(a, r, s, op, b);
    return op(a, b);
  };
}

/** The variable a plain `X` operand names (the fused operators look it up themselves). */
function simpleName(e: Expr): string | undefined {
  return e.kind === "symbol" && e.parts.length === 1 ? e.parts[0]!.name : undefined;
}

/** `X op c` / `expr op c` with a number literal c (+ - * /): the number case inline. */
function constantArith(node: BinaryExpr, l: Ev, r: Ev, op: Op): Ev | undefined {
  if (node.right.kind !== "number") return undefined;
  const c = numberLiteral(node.right);
  const kind = node.op;
  if (kind === "/") {
    if (c === 0) return undefined;
    const name = simpleName(node.left);
    if (name !== undefined) {
      return (s) => {
        const v = s.lookup(name);
        if (typeof v === "number") return v / c;
        const a = l(s);
        if (typeof a === "number") return a / c;
        return needsResolve(a) ? slow(a, r, s, op) : op(a, c);
      };
    }
    return (s) => {
      const a = l(s);
      if (typeof a === "number") return a / c;
      return needsResolve(a) ? slow(a, r, s, op) : op(a, c);
    };
  }
  if (kind !== "*" && kind !== "+" && kind !== "-") return undefined;
  const name = simpleName(node.left);
  if (name !== undefined) {
    // A plain variable holding a number: no call through the symbol's closure.
    return (s) => {
      const v = s.lookup(name);
      if (typeof v === "number") {
        const x = kind === "*" ? v * c : kind === "+" ? v + c : v - c;
        if (x <= Number.MAX_SAFE_INTEGER && x >= -Number.MAX_SAFE_INTEGER) return x;
      }
      return arithRest(l(s), c, r, s, op, kind);
    };
  }
  return (s) => arithRest(l(s), c, r, s, op, kind);
}

function arithRest(a: unknown, c: number, r: Ev, s: Scope, op: Op, kind: "*" | "+" | "-"): unknown {
  if (typeof a === "number") {
    const x = kind === "*" ? a * c : kind === "+" ? a + c : a - c;
    if (x <= Number.MAX_SAFE_INTEGER && x >= -Number.MAX_SAFE_INTEGER) return x;
  }
  return needsResolve(a) ? slow(a, r, s, op) : op(a, c);
}

export function compileBinary(node: BinaryExpr, l: Ev, r: Ev): Ev {
  const op = ARITH[node.op];
  const fused = constantArith(node, l, r, op);
  if (fused) return fused;
  if (node.op === "*") {
    // Fast path for the common numeric case.
    return (s) => {
      const a = l(s);
      const b = typeof a === "number" ? r(s) : undefined;
      if (typeof a === "number" && typeof b === "number") {
        const x = a * b;
        return x <= Number.MAX_SAFE_INTEGER && x >= -Number.MAX_SAFE_INTEGER ? x : multiply(a, b);
      }
      if (needsResolve(a)) return slow(a, r, s, op);
      const bb = b === undefined && typeof a !== "number" ? r(s) : b;
      if (needsResolve(bb)) return slow(a, r, s, op, bb);
      return op(a, bb);
    };
  }
  return binary(l, r, op);
}

export function compileCompare(node: CompareExpr, l: Ev, r: Ev): Ev {
  switch (node.op) {
    case "=":
      return binary(l, r, equals);
    case "!=":
      return binary(l, r, (a, b) => !equals(a, b));
    case "<>":
      return () => false;
    case "<":
      if (node.right.kind === "number") {
        const c = numberLiteral(node.right);
        const name = simpleName(node.left);
        if (name !== undefined) {
          return (s) => {
            const v = s.lookup(name);
            if (typeof v === "number") return v < c;
            const a = l(s);
            return typeof a === "number" ? a < c : binaryRest(a, undefined, l, r, s, lessThan);
          };
        }
        return (s) => {
          const a = l(s);
          return typeof a === "number" ? a < c : binaryRest(a, undefined, l, r, s, lessThan);
        };
      }
      return (s) => {
        const a = l(s);
        const b = typeof a === "number" ? r(s) : undefined;
        if (typeof a === "number" && typeof b === "number") return a < b;
        return binaryRest(a, b, l, r, s, lessThan);
      };
    case ">":
      if (node.right.kind === "number") {
        const c = numberLiteral(node.right);
        const name = simpleName(node.left);
        if (name !== undefined) {
          return (s) => {
            const v = s.lookup(name);
            if (typeof v === "number") return v > c;
            const a = l(s);
            return typeof a === "number" ? a > c : binaryRest(a, undefined, l, r, s, greaterThan);
          };
        }
        return (s) => {
          const a = l(s);
          return typeof a === "number" ? a > c : binaryRest(a, undefined, l, r, s, greaterThan);
        };
      }
      return (s) => {
        const a = l(s);
        const b = typeof a === "number" ? r(s) : undefined;
        if (typeof a === "number" && typeof b === "number") return a > b;
        return binaryRest(a, b, l, r, s, greaterThan);
      };
    case "<=":
      return binary(l, r, (a, b) => lessThan(a, b) || equals(a, b));
    case ">=":
      return binary(l, r, (a, b) => greaterThan(a, b) || equals(a, b));
    case "IN":
      return binary(l, r, isMember);
    case "=~":
      return compileRegexMatch(node, l, r);
  }
}

function numberLiteral(n: NumberLiteral): number {
  return n.int64 !== undefined ? Number(n.int64) : n.value;
}

function binaryRest(a: unknown, b: unknown, l: Ev, r: Ev, s: Scope, op: Op): unknown {
  void l;
  if (needsResolve(a)) return slow(a, r, s, op);
  const bb = b === undefined && typeof a !== "number" ? r(s) : b;
  if (needsResolve(bb)) return slow(a, r, s, op, bb);
  return op(a, bb);
}

function logRegexError(s: Scope, msg: string, span: Span): void {
  // `msg` is already "Compile regexp: ..." (the VQL3011 template) from the =~ protocol.
  s.run.log("ERROR", msg, span, "VQL3011");
}

function compileRegexMatch(node: CompareExpr, l: Ev, r: Ev): Ev {
  const right = node.right;
  if (right.kind === "string" && right.isUtf8 && right.value !== "" && right.value !== "." && right.value !== ".*") {
    // Constant pattern: compile once.
    const re = compileMatchPattern(right.value);
    if (isRegexError(re)) {
      const msg = `Compile regexp: ${re.error}`;
      return (s) => {
        const a = l(s);
        const done = () => (logRegexError(s, msg, node.span), false);
        return a instanceof Promise ? a.then(done) : done();
      };
    }
    return (s) => {
      const a = l(s);
      if (typeof a === "string") return re.test(a);
      if (needsResolve(a)) return Promise.resolve(resolveOperand(a, s)).then((x) => matchValue(re, x));
      return matchValue(re, a);
    };
  }
  return (s) => {
    const err = (msg: string) => logRegexError(s, msg, node.span);
    return binary(l, r, (a, b) => regexMatch(a, b, err))(s);
  };
}

export function compileNot(_node: NotExpr, operand: Ev): Ev {
  return (s) => {
    const v = operand(s);
    if (typeof v !== "object" || v === null) return !isTruthy(v);
    const t = truthyOf(v, s);
    return t instanceof Promise ? t.then((x) => !x) : !t;
  };
}

function andRight(b: unknown, s: Scope, valueForm: boolean): MaybePromise<unknown> {
  if (b instanceof Promise) return b.then((x) => andRight(x, s, valueForm));
  const t = truthyOf(b, s);
  if (t instanceof Promise) return t.then((ok) => (ok ? (valueForm ? b : true) : false));
  return t ? (valueForm ? b : true) : false;
}

export function compileAnd(node: AndExpr, l: Ev, r: Ev): Ev {
  const valueForm = node.operator === "&&";
  return (s) => {
    const a = l(s);
    const ta = truthyOf(a, s);
    if (ta instanceof Promise) return ta.then((ok) => (ok ? andRight(r(s), s, valueForm) : false));
    return ta ? andRight(r(s), s, valueForm) : false;
  };
}

function orRight(b: unknown, s: Scope, valueForm: boolean): MaybePromise<unknown> {
  if (b instanceof Promise) return b.then((x) => orRight(x, s, valueForm));
  const t = truthyOf(b, s);
  if (t instanceof Promise) return t.then((ok) => (ok ? (valueForm ? b : true) : b));
  return t ? (valueForm ? b : true) : b;
}

export function compileOr(node: OrExpr, l: Ev, r: Ev): Ev {
  const valueForm = node.operator === "||";
  return (s) => {
    const a = l(s);
    if (a instanceof Promise) return a.then((av) => orLeft(av, r, s, valueForm));
    return orLeft(a, r, s, valueForm);
  };
}

function orLeft(a: unknown, r: Ev, s: Scope, valueForm: boolean): MaybePromise<unknown> {
  const ta = truthyOf(a, s);
  if (ta instanceof Promise) return ta.then((ok) => (ok ? a : orRight(r(s), s, valueForm)));
  return ta ? a : orRight(r(s), s, valueForm);
}
