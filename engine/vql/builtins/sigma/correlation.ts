// Sigma correlation rules (`correlation:` documents) for the sigma() plugin, as Velociraptor's
// vql/sigma/evaluator/correlation.go: a correlation follows the rules it names (by name or id);
// each of their matches is put in the group its `group-by` fields give, in a sliding window of
// `timespan` (5m when absent) over the events' Timestamp, and the correlation fires on every
// match after which the window satisfies its type: event_count (events), value_count (distinct
// values of condition.field) or temporal (distinct rules; all of them unless a condition says).
// Memory is bounded: groups whose newest event left the window are dropped as the stream moves
// on, and at most `maxEvents` events are kept across the groups (the least recently updated
// group's oldest go first, with one WARN).
import { OrderedDict } from "../../values/ordered-dict";
import { ruleInfo, str, toDict } from "./rule-info";
import { SigmaRuleError } from "./matchers";

export type CorrelationType = "event_count" | "value_count" | "temporal";

type Op = "gt" | "gte" | "lt" | "lte" | "eq" | "neq";
const OPS: Record<Op, (count: number, v: number) => boolean> = {
  gt: (c, v) => c > v,
  gte: (c, v) => c >= v,
  lt: (c, v) => c < v,
  lte: (c, v) => c <= v,
  eq: (c, v) => c === v,
  neq: (c, v) => c !== v,
};

export interface CompiledCorrelation {
  title: string;
  type: CorrelationType;
  /** The names or ids of the rules it follows. */
  rules: string[];
  groupBy: string[];
  /** `aliases`: alias name -> (rule name -> that rule's field). */
  aliases: Map<string, Map<string, string>>;
  timespanMs: number;
  /** value_count's condition.field. */
  valueField: string | null;
  /** Whether the count satisfies the condition (every operator given must pass). */
  check(count: number): boolean;
  /** `generate: true`: the rules it follows still emit their own matches. */
  generate: boolean;
  details: string | null;
  /** Velociraptor's `enrichment` lambda over the match row (its `Enrichment` column). */
  enrichment: string | null;
  /** The `_Rule` column of its matches. */
  info: OrderedDict;
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Go's time.ParseDuration forms (`90m`, `1h30m`, `10s`) and the Sigma specification's `Xd`. */
export function parseTimespan(text: string): number | null {
  const s = text.trim();
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d))+$/.test(s)) return null;
  let ms = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/g)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms > 0 ? ms : null;
}



const KNOWN = new Set(["title", "id", "name", "related", "status", "description", "license", "author", "references", "date", "modified", "correlation", "falsepositives", "level", "tags", "taxonomy", "generate"]);

/** Compiles one parsed `correlation:` document; throws SigmaRuleError with the reason. */
export function compileCorrelation(doc: Record<string, unknown>): CompiledCorrelation {
  const title = str(doc.title);
  if (!title) throw new SigmaRuleError("the rule has no title");
  const c = doc.correlation;
  if (!c || typeof c !== "object" || Array.isArray(c)) throw new SigmaRuleError("correlation must be a map");
  const corr = c as Record<string, unknown>;
  const type = str(corr.type);
  if (type !== "event_count" && type !== "value_count" && type !== "temporal") throw new SigmaRuleError(`Unsupported correlation type: ${type || "(none)"}`);
  const rules = (Array.isArray(corr.rules) ? corr.rules : corr.rules === undefined || corr.rules === null ? [] : [corr.rules]).map(str).filter(Boolean);
  if (rules.length === 0) throw new SigmaRuleError("the correlation names no rules");
  const gb = corr["group-by"];
  const groupBy = (Array.isArray(gb) ? gb : gb === undefined || gb === null ? [] : [gb]).map(str);
  const timespanText = corr.timespan === undefined || corr.timespan === null || corr.timespan === "" ? "5m" : str(corr.timespan);
  const timespanMs = parseTimespan(timespanText);
  if (timespanMs === null) throw new SigmaRuleError(`cannot read timespan ${JSON.stringify(timespanText)}`);

  const aliases = new Map<string, Map<string, string>>();
  if (corr.aliases !== undefined && corr.aliases !== null) {
    if (typeof corr.aliases !== "object" || Array.isArray(corr.aliases)) throw new SigmaRuleError("aliases must be a map");
    for (const [alias, byRule] of Object.entries(corr.aliases as Record<string, unknown>)) {
      if (!byRule || typeof byRule !== "object" || Array.isArray(byRule)) throw new SigmaRuleError(`alias ${alias} must map rule names to fields`);
      aliases.set(alias, new Map(Object.entries(byRule as Record<string, unknown>).map(([r, f]) => [r, str(f)])));
    }
  }

  const cond = corr.condition;
  if (cond !== undefined && cond !== null && (typeof cond !== "object" || Array.isArray(cond))) throw new SigmaRuleError("the correlation condition must be a map");
  const checks: [Op, number][] = [];
  let valueField: string | null = null;
  for (const [k, v] of Object.entries((cond ?? {}) as Record<string, unknown>)) {
    if (k === "field") {
      valueField = str(v);
      continue;
    }
    if (!(k in OPS)) throw new SigmaRuleError(`unsupported correlation condition ${JSON.stringify(k)}`);
    const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
    if (!Number.isFinite(n)) throw new SigmaRuleError(`correlation condition ${k} must be a number`);
    checks.push([k as Op, n]);
  }
  if (type === "value_count") {
    if (cond === undefined || cond === null) throw new SigmaRuleError("value_count rule requires a condition");
    if (!valueField) throw new SigmaRuleError("value_count rule requires a field in condition clause");
  }
  // temporal without a condition: every rule it names (Velociraptor's only form).
  if (type === "temporal" && checks.length === 0) checks.push(["gte", new Set(rules).size]);

  const info = ruleInfo(doc, title);
  info.set("Correlation", toDict(corr));
  if (doc.generate !== undefined) info.set("Generate", doc.generate === true);
  const extra = new OrderedDict();
  for (const [k, v] of Object.entries(doc)) if (!KNOWN.has(k)) extra.set(k, toDict(v));
  if (extra.size > 0) info.set("AdditionalFields", extra);

  return {
    title,
    type,
    rules,
    groupBy,
    aliases,
    timespanMs,
    valueField,
    check: (count) => checks.every(([op, v]) => OPS[op](count, v)),
    generate: doc.generate === true,
    details: typeof doc.details === "string" ? doc.details : null,
    enrichment: typeof doc.enrichment === "string" ? doc.enrichment : null,
    info,
  };
}

interface Entry {
  ts: number;
  event: unknown;
  /** What the type counts distinct of: the value (value_count) or the rule (temporal). */
  tag: string | null;
}

class Group {
  entries: Entry[] = [];
  head = 0;
  counts = new Map<string, number>();
  newest = -Infinity;

  get size(): number {
    return this.entries.length - this.head;
  }
  oldest(): Entry | undefined {
    return this.entries[this.head];
  }
  /** Inserts in timestamp order (events mostly arrive in order, so this is an append). */
  insert(e: Entry): void {
    let i = this.entries.length;
    while (i > this.head && this.entries[i - 1]!.ts > e.ts) i--;
    this.entries.splice(i, 0, e);
    if (e.tag !== null) this.counts.set(e.tag, (this.counts.get(e.tag) ?? 0) + 1);
    if (e.ts > this.newest) this.newest = e.ts;
  }
  shift(): void {
    const e = this.entries[this.head];
    if (!e) return;
    this.entries[this.head++] = undefined as unknown as Entry;
    if (e.tag !== null) {
      const n = (this.counts.get(e.tag) ?? 0) - 1;
      if (n <= 0) this.counts.delete(e.tag);
      else this.counts.set(e.tag, n);
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
  events(): unknown[] {
    return this.entries.slice(this.head).map((e) => e.event);
  }
}

export interface CorrelationLimits {
  /** Events kept across all of a correlation's groups. */
  maxEvents: number;
}

export const DEFAULT_LIMITS: CorrelationLimits = { maxEvents: 100_000 };

/** One correlation's running state: its groups and their windows. */
export class Correlator {
  private readonly groups = new Map<string, Group>();
  private total = 0;
  private newest = -Infinity;
  /** Set once the event budget has dropped events (the caller logs it once). */
  overflowed = false;

  constructor(
    readonly spec: CompiledCorrelation,
    private readonly limits: CorrelationLimits = DEFAULT_LIMITS,
  ) {}

  /** How many groups and events it holds (for tests of its bounds). */
  get stats(): { groups: number; events: number } {
    return { groups: this.groups.size, events: this.total };
  }

  /**
   * Adds a matching event (timestamp in ms since the epoch) to its group. Returns the window's
   * events in timestamp order when the correlation fires, else null.
   */
  add(groupKey: string, ts: number, event: unknown, tag: string | null): unknown[] | null {
    if (ts > this.newest) this.newest = ts;
    this.expireGroups();
    let g = this.groups.get(groupKey);
    if (g) this.groups.delete(groupKey);
    else g = new Group();
    // Map order is least recently updated first.
    this.groups.set(groupKey, g);
    g.insert({ ts, event, tag });
    this.total++;
    // Velociraptor's window: keep the events after (new event's time - timespan).
    const earliest = ts - this.spec.timespanMs;
    while (g.size > 0 && g.oldest()!.ts <= earliest) {
      g.shift();
      this.total--;
    }
    while (this.total > this.limits.maxEvents) {
      const [key, first] = this.groups.entries().next().value as [string, Group];
      first.shift();
      this.total--;
      this.overflowed = true;
      if (first.size === 0) this.groups.delete(key);
    }
    if (g.size === 0) return null;
    const count = this.spec.type === "event_count" ? g.size : g.counts.size;
    return this.spec.check(count) ? g.events() : null;
  }

  /** Drops the least recently updated groups whose newest event has left the window. */
  private expireGroups(): void {
    const earliest = this.newest - this.spec.timespanMs;
    for (const [key, g] of this.groups) {
      if (g.newest > earliest) break;
      this.total -= g.size;
      this.groups.delete(key);
    }
  }
}
