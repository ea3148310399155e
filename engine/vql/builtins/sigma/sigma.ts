// sigma() and sigma_log_sources(), as Velociraptor's (vql/sigma): rules are compiled once, each
// rule follows the log sources whose `category/product/service` target it matches, each needed
// log source query runs once (concurrently with the others) and every event it yields is
// evaluated against all the rules following it. A match is the event with `_Rule` (the rule's
// fields), `Details` and `_Match` (each search's and condition's result); with debug=TRUE the
// events that match nothing are emitted too. Rules that cannot compile are logged and skipped.
// Correlation rules (correlation.ts) follow the rules they name: those rules' matches go to the
// correlation instead of the output (unless it says `generate: true`), and each time it fires
// the triggering event is emitted with `_MatchingRule`, `_Correlations` and its `_Rule`.
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
import { toTimestamp } from "../time/timestamp";
import { compileCorrelation, Correlator, DEFAULT_LIMITS, type CompiledCorrelation } from "./correlation";
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

interface Compiled {
  rules: CompiledRule[];
  correlations: CompiledCorrelation[];
}

function splitRules(texts: string[], ctx: BuiltinContext): Compiled {
  const out: Compiled = { rules: [], correlations: [] };
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
      try {
        if (rec.correlation !== undefined) out.correlations.push(compileCorrelation(rec));
        else out.rules.push(compileRule(rec));
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

function copyOf(event: unknown): OrderedDict {
  const out = new OrderedDict();
  if (isDictLike(event)) for (const k of dictKeys(event)) out.set(k, dictGet(event, k));
  return out;
}

function matchDict(r: { match: boolean; searchResults: Map<string, boolean>; conditionResults: boolean[] }): OrderedDict {
  const m = new OrderedDict();
  m.set("match", r.match);
  const sr = new OrderedDict();
  for (const name of [...r.searchResults.keys()].sort()) sr.set(name, r.searchResults.get(name));
  m.set("search_results", sr);
  m.set("condition_results", r.conditionResults);
  return m;
}

/** What a match row reports: the rule's `_Rule`, `details` template and `enrichment` lambda. */
interface Reporter {
  info: OrderedDict;
  details: string | null;
  enrichment: string | null;
}

/** A correlation with its running state and the rules feeding it. */
interface Live {
  correlator: Correlator;
  spec: CompiledCorrelation;
  /** Logged once each: events without a usable Timestamp, the event budget overflowing. */
  noTime: boolean;
  overflowLogged: boolean;
}

export const sigmaPlugin = definePlugin({
  name: "sigma",
  category: "sigma",
  doc: "Evaluates Sigma rules over the events of the log sources they name (sigma_log_sources()); each match is the event with `_Rule`, `Details` and `_Match`. Correlation rules (event_count, value_count, temporal) over the events' Timestamp emit the triggering event with `_MatchingRule`, `_Correlations` and the correlation's `_Rule`. Velociraptor's extensions: a rule's `details` (%Field% interpolated), `vql` (a lambda building the event), `enrichment`, the `vql` modifier.",
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
    let { rules: compiled, correlations } = splitRules(rules, ctx);
    if (rule_filter) {
      const keep = async (info: OrderedDict) => ctx.isTruthy(await ctx.evalLambda(rule_filter, [info]));
      const kept: CompiledRule[] = [];
      for (const r of compiled) if (await keep(r.info)) kept.push(r);
      compiled = kept;
      const keptC: CompiledCorrelation[] = [];
      for (const c of correlations) if (await keep(c.info)) keptC.push(c);
      correlations = keptC;
    }
    const targets = [...log_sources.queries.entries()].map(([key, query]) => ({ key, query, rules: compiled.filter((r) => followsTarget(r.logsource, parseTarget(key))) }));
    const followed = new Set(targets.flatMap((t) => t.rules));
    for (const r of compiled) {
      if (!followed.has(r)) ctx.log("DEBUG", `sigma: no log source for rule ${r.title} (${[r.logsource.category || "*", r.logsource.product || "*", r.logsource.service || "*"].join("/")})`);
    }
    // Correlations follow the rules they name, by name or id.
    const byRef = new Map<string, CompiledRule>();
    for (const r of followed) {
      if (r.id) byRef.set(r.id, r);
      if (r.name) byRef.set(r.name, r);
    }
    const feeds = new Map<CompiledRule, Live[]>();
    for (const spec of correlations) {
      const live: Live = { correlator: new Correlator(spec), spec, noTime: false, overflowLogged: false };
      for (const ref of new Set(spec.rules)) {
        const r = byRef.get(ref);
        if (!r) {
          ctx.log("WARN", `sigma: Correlation ${spec.title}: References missing rule ${ref}`);
          continue;
        }
        const list = feeds.get(r) ?? [];
        if (!list.some((l) => l.spec === spec)) list.push(live);
        feeds.set(r, list);
      }
    }
    const active = targets.filter((t) => t.rules.length > 0);
    ctx.log("INFO", `sigma: ${compiled.length} rules loaded, ${followed.size} following ${active.length} log sources, ${correlations.length} correlations`);
    if (active.length === 0) return;
    const mapping = field_mapping && field_mapping.size > 0 ? field_mapping : undefined;

    const report = async (event: unknown, view: View, extra: [string, unknown][], rep: Reporter): Promise<OrderedDict> => {
      const out = copyOf(event);
      for (const [k, v] of extra) out.set(k, v);
      out.set("_Rule", rep.info);
      let details: string | null = null;
      if (rep.details !== null) details = await view.interpolate(rep.details);
      else if (default_details) {
        const d = await ctx.evalLambda(default_details, [event]);
        details = d === null || d === undefined ? null : await view.interpolate(fieldText(d));
      }
      out.set("Details", details);
      if (rep.enrichment !== null) out.set("Enrichment", await ctx.evalLambda(rep.enrichment, [copyOf(out)]));
      return out;
    };

    for await (const item of interleave(active.map((t, i) => () => tagged(i, ctx.toQuery(t.query).rows())), ctx.signal)) {
      const [i, row] = item as [number, unknown];
      const rowFields = new Map<string, unknown>();
      for (const rule of active[i]!.rules) {
        const event = rule.vql ? await ctx.evalLambda(rule.vql, [row]) : row;
        // Rules over the row itself share its mapped field values (each mapping lambda runs once per row).
        const view = new View(event, mapping, ctx, rule, rule.vql ? undefined : rowFields);
        const r = await rule.evaluate(view);
        const lives = feeds.get(rule);
        // A rule a correlation follows reports only through it, unless the correlation says `generate: true`.
        if ((!lives || lives.some((l) => l.spec.generate)) && (r.match || debug)) yield await report(event, view, [["_Match", matchDict(r)]], rule);
        for (const live of lives ?? []) {
          const spec = live.spec;
          if (!r.match) {
            if (debug) yield await report(event, view, [["_Match", matchDict(r)]], spec);
            continue;
          }
          const ts = toTimestamp(await view.field("Timestamp"));
          if (ts === null || ts.isZero()) {
            if (!live.noTime) ctx.log("ERROR", `sigma: While evaluating correlation ${spec.title}: Unable to parse timestamp (the event needs a Timestamp field or field mapping)`);
            live.noTime = true;
            continue;
          }
          const parts: string[] = [];
          for (const f of spec.groupBy) parts.push(fieldText(await view.field(spec.aliases.get(f)?.get(rule.name) ?? f)));
          let tag: string | null = null;
          if (spec.type === "temporal") tag = rule.name || rule.id || rule.title;
          else if (spec.type === "value_count") {
            const v = await view.field(spec.valueField!);
            tag = v === null ? null : fieldText(v);
          }
          const marked = copyOf(event);
          marked.set("_MatchingRule", rule.title);
          const hits = live.correlator.add(parts.join("\x00"), ts.epochSeconds * 1000, marked, tag);
          if (live.correlator.overflowed && !live.overflowLogged) {
            live.overflowLogged = true;
            ctx.log("WARN", `sigma: correlation ${spec.title} holds more than ${DEFAULT_LIMITS.maxEvents} events; the oldest are dropped`);
          }
          if (hits) yield await report(marked, view, [["_Correlations", hits]], spec);
          else if (debug) yield await report(event, view, [["_Match", new OrderedDict([["match", false]] as [string, unknown][])]], spec);
        }
      }
    }
  },
});
