// sigma() and sigma_log_sources(), as Velociraptor's (vql/sigma): rules are compiled once, each
// rule follows the log sources whose `category/product/service` target it matches, each needed
// log source query runs once (concurrently with the others) and every event it yields is
// evaluated against all the rules following it. A match is the event with `_Rule` (the rule's
// fields), `Details` and `_Match` (each search's and condition's result); with debug=TRUE the
// events that match nothing are emitted too. Rules that cannot compile are logged and skipped.
import { parseAllDocuments } from "yaml";
import { getMember, MISSING } from "../../values/access";
import { toJsonText } from "../../values/json";
import { isDictLike, OrderedDict, dictGet, dictKeys } from "../../values/ordered-dict";
import { QueryValue } from "../../values/query";
import { arg } from "../arg";
import { interleave } from "../control/chain";
import { defineFunction, definePlugin } from "../define";
import type { BuiltinContext } from "../types";
import { SigmaRuleError } from "./matchers";
import { compileRule, followsTarget, parseTarget, type CompiledRule, type EventView } from "./rule";

/** What sigma_log_sources() returns: targets and their queries. */
export class SigmaLogSources {
  constructor(readonly queries: ReadonlyMap<string, QueryValue>) {}
  toString(): string {
    return `sigma_log_sources(${[...this.queries.keys()].join(", ")})`;
  }
}

export const sigmaLogSourcesFunction = defineFunction({
  name: "sigma_log_sources",
  category: "sigma",
  doc: "Log sources for sigma(): each argument is named `category/product/service` (`*` where the rule gives none) and is a stored query yielding that source's events.",
  args: {},
  rest: arg.any().doc("`category/product/service`={ SELECT ... }: the query yielding that log source's events."),
  run(_args, ctx, rest) {
    const queries = new Map<string, QueryValue>();
    for (const [name, value] of rest) {
      if (!(value instanceof QueryValue)) {
        ctx.log("ERROR", `sigma_log_sources: log provider for ${name} must be a query`);
        return null;
      }
      queries.set(name, value);
    }
    if (queries.size === 0) ctx.log("ERROR", "sigma_log_sources: No log sources provided");
    return new SigmaLogSources(queries);
  },
});

function splitRules(texts: string[], ctx: BuiltinContext): CompiledRule[] {
  const out: CompiledRule[] = [];
  let n = 0;
  for (const text of texts) {
    for (const doc of parseAllDocuments(text)) {
      n++;
      if (doc.errors.length) {
        const e = doc.errors[0]!;
        const at = e.linePos?.[0] ? ` at ${e.linePos[0].line}:${e.linePos[0].col}` : "";
        ctx.log("ERROR", `sigma: rule ${n}${at}: ${e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`);
        continue;
      }
      const value = doc.toJS() as unknown;
      if (value === null || value === undefined) continue;
      if (typeof value !== "object" || Array.isArray(value)) {
        ctx.log("ERROR", `sigma: rule ${n} is not a map`);
        continue;
      }
      const rec = value as Record<string, unknown>;
      if (rec.correlation !== undefined) {
        ctx.log("WARN", `sigma: rule ${n} (${String(rec.title ?? "untitled")}) is a correlation rule, which Talon does not evaluate yet; skipped`);
        continue;
      }
      try {
        out.push(compileRule(rec));
      } catch (e) {
        if (!(e instanceof SigmaRuleError)) throw e;
        ctx.log("ERROR", `sigma: rule ${n} (${String(rec.title ?? "untitled")}): ${e.message}`);
      }
    }
  }
  return out;
}

function fieldText(v: unknown): string {
  if (v === null || v === undefined || v === MISSING) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  return toJsonText(v);
}

/** A value at a dotted path (`EventData.Image`) when the event has no member by that whole name. */
function lookup(event: unknown, name: string): unknown {
  const direct = getMember(event, name);
  if (direct !== MISSING || !name.includes(".")) return direct;
  let v: unknown = event;
  for (const part of name.split(".")) {
    v = getMember(v, part);
    if (v === MISSING) return MISSING;
  }
  return v;
}

class View implements EventView {
  private text: string | null = null;
  constructor(
    readonly event: unknown,
    private readonly mapping: OrderedDict | undefined,
    private readonly ctx: BuiltinContext,
    private readonly rule: CompiledRule,
    /** Field values of this event, shared by the rules that see the same event. */
    private readonly cache = new Map<string, unknown>(),
  ) {}
  async field(name: string): Promise<unknown> {
    if (this.cache.has(name)) return this.cache.get(name);
    const lambda = this.mapping?.get(name);
    let v: unknown;
    if (typeof lambda === "string") v = await this.ctx.evalLambda(lambda, [this.event]);
    else v = lookup(this.event, name);
    if (v === MISSING || v === undefined) v = null;
    this.cache.set(name, v);
    return v;
  }
  json(): string {
    return (this.text ??= toJsonText(this.event));
  }
  lambda(source: string, value: unknown): Promise<unknown> {
    return this.ctx.evalLambda(source, [value], new OrderedDict([["Rule", this.rule.info], ["Event", this.event]] as [string, unknown][]));
  }
  async interpolate(template: string): Promise<string> {
    const parts = template.split(/(%[^%\s]+%)/);
    let out = "";
    for (const p of parts) {
      const m = /^%([^%\s[]+)(?:\[(\d+)\])?%$/.exec(p);
      if (!m) {
        out += p;
        continue;
      }
      let v = await this.field(m[1]!);
      if (m[2] !== undefined) v = Array.isArray(v) ? (v[Number(m[2]) - 1] ?? null) : null;
      out += fieldText(v);
    }
    return out;
  }
}

/** A source's rows, each tagged with the source's index (interleave() mixes the sources). */
async function* tagged(i: number, rows: AsyncIterable<unknown>): AsyncGenerator<[number, unknown]> {
  for await (const row of rows) yield [i, row];
}

export const sigmaPlugin = definePlugin({
  name: "sigma",
  category: "sigma",
  doc: "Evaluates Sigma rules over the events of the log sources they name (sigma_log_sources()); each match is the event with `_Rule`, `Details` and `_Match`. Velociraptor's extensions: a rule's `details` (%Field% interpolated), `vql` (a lambda building the event), the `vql` modifier.",
  args: {
    rules: arg.list(arg.string()).required().doc("A list of sigma rules to compile."),
    log_sources: arg.any().required().doc("A log source object as obtained from the sigma_log_sources() VQL function."),
    field_mapping: arg.dict().doc("A dict containing a mapping between a rule field name and a VQL Lambda to get the value of the field from the event."),
    debug: arg.bool().default(false).doc("If enabled we emit all match objects with description of what would match."),
    rule_filter: arg.string().doc("If specified we use this callback to filter the rules for inclusion."),
    default_details: arg.string().doc("If specified we use this callback to determine a details column if the sigma rule does not specify it."),
  },
  permissions: ["MACHINE_STATE", "EXECVE", "FILESYSTEM_READ", "FILESYSTEM_WRITE"],
  async *run({ rules, log_sources, field_mapping, debug, rule_filter, default_details }, ctx) {
    if (!(log_sources instanceof SigmaLogSources)) {
      ctx.log("ERROR", "sigma: log_sources must come from sigma_log_sources()");
      return;
    }
    let compiled = splitRules(rules, ctx);
    if (rule_filter) {
      const kept: CompiledRule[] = [];
      for (const r of compiled) if (await ctx.isTruthy(await ctx.evalLambda(rule_filter, [r.info]))) kept.push(r);
      compiled = kept;
    }
    const targets = [...log_sources.queries.entries()].map(([key, query]) => ({ key, query, rules: compiled.filter((r) => followsTarget(r.logsource, parseTarget(key))) }));
    const followed = new Set(targets.flatMap((t) => t.rules));
    for (const r of compiled) {
      if (!followed.has(r)) ctx.log("DEBUG", `sigma: no log source for rule ${r.title} (${[r.logsource.category || "*", r.logsource.product || "*", r.logsource.service || "*"].join("/")})`);
    }
    const active = targets.filter((t) => t.rules.length > 0);
    ctx.log("INFO", `sigma: ${compiled.length} rules loaded, ${followed.size} following ${active.length} log sources`);
    if (active.length === 0) return;
    const mapping = field_mapping && field_mapping.size > 0 ? field_mapping : undefined;
    for await (const item of interleave(active.map((t, i) => () => tagged(i, ctx.toQuery(t.query).rows())), ctx.signal)) {
      const [i, row] = item as [number, unknown];
      const rowFields = new Map<string, unknown>();
      for (const rule of active[i]!.rules) {
        const event = rule.vql ? await ctx.evalLambda(rule.vql, [row]) : row;
        // Rules over the row itself share its mapped field values (each mapping lambda runs once per row).
        const view = new View(event, mapping, ctx, rule, rule.vql ? undefined : rowFields);
        const r = await rule.evaluate(view);
        if (!r.match && !debug) continue;
        const out = new OrderedDict();
        if (isDictLike(event)) for (const k of dictKeys(event)) out.set(k, dictGet(event, k));
        const m = new OrderedDict();
        m.set("match", r.match);
        const sr = new OrderedDict();
        for (const name of [...r.searchResults.keys()].sort()) sr.set(name, r.searchResults.get(name));
        m.set("search_results", sr);
        m.set("condition_results", r.conditionResults);
        out.set("_Match", m);
        out.set("_Rule", rule.info);
        let details: string | null = null;
        if (rule.details !== null) details = await view.interpolate(rule.details);
        else if (default_details) {
          const d = await ctx.evalLambda(default_details, [event]);
          details = d === null || d === undefined ? null : await view.interpolate(fieldText(d));
        }
        out.set("Details", details);
        yield out;
      }
    }
  },
});
