/**
 * Invoking builtins: binding evaluated arguments to the schema (a binder precomputed per call
 * site, or the generic one after `**` unpacking), the permission check, and calling run() with
 * errors turned into log lines (NULL / no rows), never exceptions.
 */
import type { Span } from "../ast/types";
import type { AnyArgSpec } from "../builtins/arg";
import { bindArguments, coerceValue, CoerceError, describeCoerceError, type BindError, type BoundArgs } from "../builtins/coerce";
import type { Builtin } from "../builtins/types";
import type { MaybePromise } from "../values/query";
import type { EvaluatedArgs } from "./args";
import type { CallContext } from "./context";
import { isAbortError } from "./stream";

export type Binder = (ev: EvaluatedArgs, ctx: CallContext) => MaybePromise<BoundArgs | BindError>;

/** A binder specialised to a call site's static argument names. */
export function prepareBinder(b: Builtin, names: readonly string[], spans: readonly Span[], callSpan: Span, hasUnpack: boolean): Binder {
  const generic: Binder = (ev, ctx) =>
    bindArguments(
      b,
      ev.names.map((name, i) => ({ name, value: ev.values[i], span: ev.spans[i]! })),
      callSpan,
      ctx,
    );
  if (hasUnpack) return generic;
  const specs: AnyArgSpec[] = [];
  const isRest: boolean[] = [];
  for (let i = 0; i < names.length; i++) {
    const own = Object.hasOwn(b.args, names[i]!);
    const spec = own ? b.args[names[i]!] : b.rest;
    if (!spec) return generic; // unknown argument: the generic binder reports it
    specs.push(spec);
    isRest.push(!own);
  }
  const given = new Set(names);
  const defaults: [string, unknown][] = [];
  let missing: string | undefined;
  for (const [name, spec] of Object.entries(b.args)) {
    if (given.has(name)) continue;
    if (spec.hasDefault) defaults.push([name, spec.defaultValue]);
    else if (spec.isRequired) missing ??= name;
  }
  if (missing !== undefined) return generic;
  const n = names.length;
  return (ev, ctx) => {
    const args: Record<string, unknown> = {};
    const rest: [string, unknown][] = [];
    let pending: Promise<unknown>[] | null = null;
    for (let i = 0; i < n; i++) {
      const c = coerceValue(specs[i]!, ev.values[i], ctx);
      if (c instanceof CoerceError) return describeCoerceError(b, names[i]!, spans[i]!, c);
      const name = names[i]!;
      if (c instanceof Promise) {
        pending ??= [];
        if (isRest[i]) {
          const slot = rest.push([name, undefined]) - 1;
          pending.push(c.then((x) => (rest[slot]![1] = x)));
        } else pending.push(c.then((x) => (args[name] = x)));
      } else if (isRest[i]) rest.push([name, c]);
      else args[name] = c;
    }
    for (let i = 0; i < defaults.length; i++) args[defaults[i]![0]] = defaults[i]![1];
    if (pending === null) return { args, rest };
    return Promise.all(pending).then((): BoundArgs | BindError => {
      for (const [k, v] of Object.entries(args)) {
        if (v instanceof CoerceError) return describeCoerceError(b, k, callSpan, v);
      }
      for (const [k, v] of rest) if (v instanceof CoerceError) return describeCoerceError(b, k, callSpan, v);
      return { args, rest };
    });
  };
}

export function isBindError(x: BoundArgs | BindError): x is BindError {
  return (x as BindError).code !== undefined;
}

/** Logs a bind error the Velociraptor way: `name: message` at the argument or call span. */
export function logBindError(ctx: CallContext, e: BindError): void {
  ctx.scope.run.log("ERROR", e.message, e.span, e.code);
}

/** Permission check; logs and returns false when denied. */
export function checkPermissions(b: Builtin, ctx: CallContext): boolean {
  const have = ctx.scope.run.permissions;
  if (!have || !b.permissions?.length) return true;
  for (const p of b.permissions) {
    if (!have.has(p)) {
      ctx.scope.run.deny(b.name, p, ctx.callSpan);
      return false;
    }
  }
  return true;
}

/** Logs a failure thrown by a builtin (abort errors propagate). */
export function logBuiltinFailure(ctx: CallContext, e: unknown): void {
  if (isAbortError(e, ctx.signal)) throw e;
  const msg = e instanceof Error ? e.message : String(e);
  ctx.scope.run.report("VQL3012", [ctx.name, msg], ctx.callSpan);
}
