// Sigma rules compiled for the sigma() plugin: the YAML read into title, log source, searches
// (field matchers with their modifiers, or keywords), conditions and Velociraptor's extensions
// (`details` with %Field% interpolation, `vql` to build the event), and the `_Rule` dict each
// match carries. A rule that cannot compile throws SigmaRuleError with the reason.
import { OrderedDict } from "../../values/ordered-dict";
import { putSet, ruleInfo, str, toDict } from "./rule-info";
import { evaluateCondition, namedSearches, parseCondition, type Condition } from "./condition";
import { fieldTest, SigmaRuleError, type ValueTest } from "./matchers";

export interface LogsourceSpec {
  category: string;
  product: string;
  service: string;
}

interface FieldMatcher {
  field: string;
  test: ValueTest;
}

/** A search: keywords over the whole event, or event matchers (any), each a list of fields (all). */
type Search = { kind: "keywords"; words: string[] } | { kind: "fields"; matchers: FieldMatcher[][] };

/** The rule's view of the event: a field's values (through the field mapping) and the event's JSON. */
export interface EventView {
  field(name: string): unknown | Promise<unknown>;
  json(): string;
  lambda(source: string, value: unknown): Promise<unknown>;
}

export interface CompiledRule {
  title: string;
  /** The rule's `name` and `id` (what correlation rules refer to it by); "" when not set. */
  name: string;
  id: string;
  logsource: LogsourceSpec;
  details: string | null;
  /** Velociraptor's `vql` extension: a lambda that builds the event from the log source's row. */
  vql: string | null;
  /** Velociraptor's `enrichment` extension: a lambda over the match row giving its `Enrichment` column. */
  enrichment: string | null;
  searchNames: string[];
  /** The `_Rule` column. */
  info: OrderedDict;
  evaluate(view: EventView): Promise<{ match: boolean; searchResults: Map<string, boolean>; conditionResults: boolean[] }>;
}

const KNOWN = new Set(["title", "id", "name", "related", "status", "description", "license", "author", "references", "date", "modified", "logsource", "detection", "fields", "falsepositives", "level", "tags", "scope", "taxonomy"]);


function compileSearch(name: string, body: unknown): Search {
  const asFields = (m: Record<string, unknown>): FieldMatcher[] =>
    Object.entries(m).map(([key, value]) => {
      const [field, ...mods] = key.split("|");
      const values = Array.isArray(value) ? value : [value];
      try {
        return { field: field!, test: fieldTest(mods, values).test };
      } catch (e) {
        if (e instanceof SigmaRuleError) throw new SigmaRuleError(`search ${name}, field ${key}: ${e.message}`);
        throw e;
      }
    });
  if (body && typeof body === "object" && !Array.isArray(body)) return { kind: "fields", matchers: [asFields(body as Record<string, unknown>)] };
  if (Array.isArray(body)) {
    if (body.every((x) => x && typeof x === "object" && !Array.isArray(x))) return { kind: "fields", matchers: body.map((x) => asFields(x as Record<string, unknown>)) };
    if (body.every((x) => x === null || typeof x !== "object")) return { kind: "keywords", words: body.map((x) => str(x).toLowerCase()) };
    throw new SigmaRuleError(`search ${name} mixes keywords and field maps`);
  }
  if (body === null || body === undefined) throw new SigmaRuleError(`search ${name} is empty`);
  return { kind: "keywords", words: [str(body).toLowerCase()] };
}


/** Compiles one parsed YAML document. */
export function compileRule(doc: Record<string, unknown>): CompiledRule {
  const title = str(doc.title);
  if (!title) throw new SigmaRuleError("the rule has no title");
  const ls = (doc.logsource ?? {}) as Record<string, unknown>;
  if (typeof ls !== "object") throw new SigmaRuleError("logsource must be a map");
  const logsource = { category: str(ls.category), product: str(ls.product), service: str(ls.service) };
  const detection = doc.detection as Record<string, unknown> | undefined;
  if (!detection || typeof detection !== "object" || Array.isArray(detection)) throw new SigmaRuleError("the rule has no detection map");
  const searches = new Map<string, Search>();
  for (const [name, body] of Object.entries(detection)) {
    if (name === "condition" || name === "timeframe") continue;
    searches.set(name, compileSearch(name, body));
  }
  if (searches.size === 0) throw new SigmaRuleError("the detection has no searches");
  const condText = detection.condition;
  // No condition: Velociraptor ANDs... the only search; with several, every one of them.
  const conditions: Condition[] =
    condText === undefined || condText === null
      ? [{ kind: "allOf", pattern: null }]
      : (Array.isArray(condText) ? condText : [condText]).map((c) => parseCondition(str(c)));
  for (const c of conditions) for (const n of namedSearches(c)) if (!searches.has(n)) throw new SigmaRuleError(`the condition names ${n}, which the detection does not define`);

  const info = ruleInfo(doc, title);
  const put = (key: string, v: unknown) => putSet(info, key, v);
  put("Fields", doc.fields);
  const lsDict = new OrderedDict();
  if (logsource.category) lsDict.set("Category", logsource.category);
  if (logsource.product) lsDict.set("Product", logsource.product);
  if (logsource.service) lsDict.set("Service", logsource.service);
  if (ls.definition) lsDict.set("Definition", str(ls.definition));
  info.set("Logsource", lsDict);
  info.set("Detection", toDict(detection));
  const extra = new OrderedDict();
  for (const [k, v] of Object.entries(doc)) if (!KNOWN.has(k)) extra.set(k, toDict(v));
  if (extra.size > 0) info.set("AdditionalFields", extra);

  const names = [...searches.keys()];
  return {
    title,
    logsource,
    details: typeof doc.details === "string" ? doc.details : null,
    vql: typeof doc.vql === "string" ? doc.vql : null,
    enrichment: typeof doc.enrichment === "string" ? doc.enrichment : null,
    name: str(doc.name),
    id: str(doc.id),
    searchNames: names,
    info,
    async evaluate(view) {
      const searchResults = new Map<string, boolean>();
      for (const [name, s] of searches) searchResults.set(name, await runSearch(s, view));
      const conditionResults = conditions.map((c) => evaluateCondition(c, searchResults));
      return { match: conditionResults.some(Boolean), searchResults, conditionResults };
    },
  };
}

async function runSearch(s: Search, view: EventView): Promise<boolean> {
  if (s.kind === "keywords") {
    const text = view.json().toLowerCase();
    return s.words.some((w) => text.includes(w));
  }
  next: for (const fields of s.matchers) {
    for (const f of fields) {
      const value = await view.field(f.field);
      const r = f.test(value, (source, v) => view.lambda(source, v));
      if (!(r instanceof Promise ? await r : r)) continue next;
    }
    return true;
  }
  return false;
}

/** Velociraptor's log source targets: `category/product/service`, `*` for "not given". */
export function parseTarget(key: string): LogsourceSpec {
  const p = key.split("/").map((x) => (x === "*" ? "" : x));
  return { category: p[0] ?? "", product: p[1] ?? "", service: p[2] ?? "" };
}

/** A rule follows a target when each of its logsource fields that is set equals the target's. */
export function followsTarget(rule: LogsourceSpec, target: LogsourceSpec): boolean {
  for (const k of ["service", "product", "category"] as const) {
    if (rule[k] !== "" && rule[k] !== target[k]) return false;
  }
  return true;
}
