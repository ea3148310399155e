/**
 * Scopes (REFERENCE §5.1): a linked list of frames, innermost first. Frames are variable maps
 * (env, call arguments), single LET bindings, plugin rows, and the lazy row of a SELECT's WHERE.
 * Each frame also carries the aggregate context and the nesting depth. Function and plugin
 * tables are not here: they come from the registry. The root frame also holds what import()
 * added to the run (RunState.imports).
 */
import { OrderedDict, isPlainObject } from "../values/ordered-dict";
import { getMember, MISSING } from "../values/access";
import type { MaybePromise } from "../values/query";
import type { RunState } from "./run-state";
import type { Span } from "../ast/types";

export const NOT_FOUND: unique symbol = Symbol("vql.not-found");

/** Sites beyond this many in one aggregate context are indexed by a Map. */
const AGG_SCAN = 8;

/**
 * Aggregate state per call site (count(), sum()...), one per query / group bin / called LET.
 * Most contexts hold one or two sites: they are found by a scan of a small array.
 */
export class AggContext {
  private sites: number[] = [];
  private states: { value: unknown }[] = [];
  private index: Map<number, { value: unknown }> | null = null;

  /** The state of `site`, created with `init()` on first use. */
  slot<T>(site: number, init: () => T): { value: T } {
    const sites = this.sites;
    const n = sites.length;
    if (n <= AGG_SCAN) {
      for (let i = 0; i < n; i++) if (sites[i] === site) return this.states[i] as { value: T };
    } else {
      const hit = this.index!.get(site);
      if (hit !== undefined) return hit as { value: T };
    }
    const state = { value: init() as unknown };
    sites.push(site);
    this.states.push(state);
    if (n + 1 > AGG_SCAN) {
      if (this.index === null) this.index = new Map(sites.map((x, i) => [x, this.states[i]!]));
      else this.index.set(site, state);
    }
    return state as { value: T };
  }
}

/** A LET definition; resolved against the scope that references it. */
export abstract class Binding {
  constructor(readonly name: string) {}
  /** The value seen when the name is referenced without a call (span: the reference). */
  abstract resolve(scope: Scope, span?: Span): MaybePromise<unknown>;
}

/** The lazy row of a SELECT while its WHERE clause runs: aliases computed on demand. */
export interface LazyRowSource {
  /** Index of the column named `name`, or -1. */
  indexOf(name: string): number;
  /** The column's value (computed once, then cached). */
  valueAt(index: number): MaybePromise<unknown>;
  /** Alias names, for scope listings. */
  names(): readonly string[];
}

export const enum FrameKind {
  Root,
  Vars,
  Let,
  Row,
  LazyRow,
  Depth,
}

export class Scope {
  private constructor(
    readonly kind: FrameKind,
    readonly parent: Scope | null,
    readonly run: RunState,
    readonly agg: AggContext,
    readonly depth: number,
    /** Vars: OrderedDict or plain object; Let: Binding; Row: raw row; LazyRow: LazyRowSource. */
    readonly data: unknown,
  ) {}

  static root(run: RunState, env?: Record<string, unknown> | OrderedDict): Scope {
    const root = new Scope(FrameKind.Root, null, run, new AggContext(), 0, null);
    return env ? root.withVars(env) : root;
  }

  /** A variables frame; `depth` may count one more level (a Vars frame plus a Depth frame in one). */
  withVars(vars: Record<string, unknown> | OrderedDict, agg = this.agg, depth = this.depth): Scope {
    return new Scope(FrameKind.Vars, this, this.run, agg, depth, vars);
  }

  withLet(binding: Binding): Scope {
    return new Scope(FrameKind.Let, this, this.run, this.agg, this.depth, binding);
  }

  withRow(row: unknown, agg = this.agg): Scope {
    return new Scope(FrameKind.Row, this, this.run, agg, this.depth, row);
  }

  withLazyRow(lazy: LazyRowSource): Scope {
    return new Scope(FrameKind.LazyRow, this, this.run, this.agg, this.depth, lazy);
  }

  /** A frame that only counts nesting (lazy LET evaluation, subqueries); may reset aggregates. */
  deeper(agg = this.agg): Scope {
    return new Scope(FrameKind.Depth, this, this.run, agg, this.depth + 1, null);
  }

  /**
   * A frame (one more level) from which the rest of the chain below runs as `run` (a RunState
   * derived with RunState.as(): another host and permissions); names still resolve through
   * this scope's frames.
   */
  withRun(run: RunState): Scope {
    return new Scope(FrameKind.Depth, this, run, this.agg, this.depth + 1, null);
  }

  /** A copy of this frame chain position with a fresh aggregate context and one more level. */
  withFreshAggregates(): Scope {
    return this.deeper(new AggContext());
  }

  /**
   * Looks a name up, innermost first. Returns the value, a Binding (the caller resolves it in
   * the scope of the reference), a Promise (a lazy WHERE alias being computed), or NOT_FOUND.
   */
  lookup(name: string): unknown {
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      switch (s.kind) {
        case FrameKind.Row: {
          const r = s.data;
          if (r === null || typeof r !== "object") break;
          if ((r as object).constructor === Object) {
            // Plain-object rows (what most plugins yield): a keyed load, cached by V8.
            const v = (r as Record<string, unknown>)[name];
            if (v !== undefined && typeof v !== "function") return v;
            if (v === undefined && Object.hasOwn(r, name)) return null;
          } else if (r instanceof OrderedDict) {
            const i = r.indexOf(name);
            if (i >= 0) return r.values()[i];
          } else if (!Array.isArray(r)) {
            // Host objects (and null-prototype objects): the member protocol.
            const m = isPlainObject(r) ? (Object.hasOwn(r, name) ? (r as Record<string, unknown>)[name] ?? null : MISSING) : getMember(r, name);
            if (m !== MISSING) return m;
          }
          break;
        }
        case FrameKind.LazyRow: {
          const lazy = s.data as LazyRowSource;
          const i = lazy.indexOf(name);
          if (i >= 0) return lazy.valueAt(i);
          break;
        }
        case FrameKind.Let:
          if ((s.data as Binding).name === name) return s.data;
          break;
        case FrameKind.Vars: {
          const v = s.data;
          if (v instanceof OrderedDict) {
            const i = v.indexOf(name);
            if (i >= 0) return v.values()[i];
          } else if (Object.hasOwn(v as object, name)) return (v as Record<string, unknown>)[name] ?? null;
          break;
        }
        case FrameKind.Root: {
          const imported = s.run.imports?.get(name);
          if (imported !== undefined) return imported;
          break;
        }
      }
    }
    return NOT_FOUND;
  }

  /** Visible variable names, innermost first, without duplicates. */
  names(): string[] {
    const seen = new Set<string>();
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      switch (s.kind) {
        case FrameKind.Row:
          if (s.data instanceof OrderedDict) for (const k of s.data.keys()) seen.add(k);
          else if (isPlainObject(s.data)) for (const k of Object.keys(s.data)) seen.add(k);
          break;
        case FrameKind.LazyRow:
          for (const k of (s.data as LazyRowSource).names()) seen.add(k);
          break;
        case FrameKind.Let:
          seen.add((s.data as Binding).name);
          break;
        case FrameKind.Vars:
          for (const k of s.data instanceof OrderedDict ? s.data.keys() : Object.keys(s.data as object)) seen.add(k);
          break;
        case FrameKind.Root:
          for (const k of s.run.imports?.keys() ?? []) seen.add(k);
          break;
      }
    }
    return [...seen];
  }
}

/**
 * Scope.lookup() with the commonest case inline: a plain-object plugin row in the innermost
 * frame that has the name (what compiled symbols and fused operators see in most queries).
 */
export function lookupName(s: Scope, name: string): unknown {
  if (s.kind === FrameKind.Row) {
    const r = s.data;
    if (r !== null && typeof r === "object" && (r as object).constructor === Object) {
      const v = (r as Record<string, unknown>)[name];
      if (v !== undefined && typeof v !== "function") return v;
    }
  }
  return s.lookup(name);
}
