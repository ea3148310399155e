// A pooled Windows endpoint's WMI repository for wmi(): which classes each namespace has, and a
// WQL data query (wql.ts) answered over them. ROOT has __NAMESPACE; ROOT/CIMV2 the classes of
// cimv2.ts and services.ts; ROOT/StandardCimv2 those of standardcimv2.ts; the
// permanent-event-subscription classes exist in every namespace and have no instances (a clean
// endpoint has no WMI persistence). Namespace, class and property names ignore case; rows carry
// the documented spelling. Unknown namespaces, classes and properties are WmiErrors named as WMI
// names them (Invalid namespace, Invalid class, Invalid query).
import { OrderedDict } from "@/engine/vql";
import { CIMV2, type WmiHost, type WmiObject } from "./cimv2";
import { services } from "./services";
import { STANDARD_CIMV2 } from "./standardcimv2";
import { likeRegex, parseWql, WqlError, type Condition, type Literal } from "./wql";

export class WmiError extends Error {}

type ClassTable = Record<string, (h: WmiHost) => WmiObject[]>;

const SUBSCRIPTION = ["__EventFilter", "__FilterToConsumerBinding", "__EventConsumer", "ActiveScriptEventConsumer", "CommandLineEventConsumer", "LogFileEventConsumer", "NTEventLogEventConsumer", "SMTPEventConsumer"];
const empty: ClassTable = Object.fromEntries(SUBSCRIPTION.map((c) => [c, () => []]));

const namespaceRows = (names: string[]) => () => names.map((n): WmiObject => [["Name", n]]);

/** Namespace (lower case, `/`-separated) → its child namespaces. */
const CHILDREN: Record<string, string[]> = {
  root: ["subscription", "DEFAULT", "CIMV2", "Cli", "SECURITY", "SecurityCenter2", "StandardCimv2", "WMI", "Microsoft"],
  "root/cimv2": ["mdm", "Security", "power", "TerminalServices"],
};

const NAMESPACES: Record<string, ClassTable> = {
  root: { __NAMESPACE: namespaceRows(CHILDREN.root!), ...empty },
  "root/cimv2": { ...CIMV2, Win32_Service: services, __NAMESPACE: namespaceRows(CHILDREN["root/cimv2"]!), ...empty },
  "root/standardcimv2": { ...STANDARD_CIMV2, __NAMESPACE: namespaceRows([]), ...empty },
  "root/subscription": { __NAMESPACE: namespaceRows([]), ...empty },
  "root/default": { __NAMESPACE: namespaceRows([]), ...empty },
};

export function normalizeNamespace(ns: string): string {
  return ns.replace(/\\/g, "/").replace(/^\/+|\/+$/g, "").toLowerCase();
}

function find<T>(table: Record<string, T>, name: string): [string, T] | undefined {
  const k = Object.keys(table).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : [k, table[k]!];
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

function compare(v: unknown, op: string, lit: Literal): boolean {
  if (v === null || v === undefined || lit === null || Array.isArray(v)) return false;
  let a: string | number | boolean = v as string | number | boolean;
  let b: string | number | boolean = lit;
  if (typeof a === "boolean" || typeof b === "boolean") {
    if (typeof a !== typeof b) return false;
    a = Number(a);
    b = Number(b);
  } else if (typeof b === "number" || typeof a === "number") {
    // uint64 properties are decimal strings: compare them as numbers.
    if (typeof a === "string" && !NUMERIC.test(a)) return false;
    if (typeof b === "string" && !NUMERIC.test(b)) return false;
    a = Number(a);
    b = Number(b);
  } else {
    a = a.toLowerCase();
    b = b.toLowerCase();
  }
  switch (op) {
    case "=":
      return a === b;
    case "!=":
      return a !== b;
    case "<":
      return a < b;
    case ">":
      return a > b;
    case "<=":
      return a <= b;
    default:
      return a >= b;
  }
}

function matches(c: Condition, get: (p: string) => unknown): boolean {
  switch (c.kind) {
    case "and":
      return matches(c.left, get) && matches(c.right, get);
    case "or":
      return matches(c.left, get) || matches(c.right, get);
    case "not":
      return !matches(c.operand, get);
    case "null": {
      const v = get(c.property);
      return (v === null || v === undefined) !== c.negated;
    }
    case "like": {
      const v = get(c.property);
      return typeof v === "string" && likeRegex(c.pattern).test(v);
    }
    case "compare":
      return compare(get(c.property), c.op, c.value);
  }
}

function propertiesOf(c: Condition): string[] {
  switch (c.kind) {
    case "and":
    case "or":
      return [...propertiesOf(c.left), ...propertiesOf(c.right)];
    case "not":
      return propertiesOf(c.operand);
    default:
      return [c.property];
  }
}

/** The rows of a WQL data query in `namespace`; throws WmiError (or WqlError) when WMI would fail. */
export function queryWmi(host: WmiHost, namespace: string, query: string): OrderedDict[] {
  const q = parseWql(query);
  const ns = NAMESPACES[normalizeNamespace(namespace)];
  if (!ns) throw new WmiError(`Invalid namespace \`${namespace}\` (pooled endpoints have ${Object.keys(NAMESPACES).map((n) => n.toUpperCase()).join(", ")})`);
  const cls = find(ns, q.className);
  if (!cls) throw new WmiError(`Invalid class \`${q.className}\` in ${namespace} (pooled endpoints simulate ${Object.keys(ns).join(", ")})`);
  const objects = cls[1](host);
  const known = objects[0]?.map(([k]) => k);
  const canonical = (name: string): string => {
    if (!known) return name;
    const k = known.find((x) => x.toLowerCase() === name.toLowerCase());
    if (k === undefined) throw new WmiError(`Invalid query: ${cls[0]} has no property \`${name}\``);
    return k;
  };
  const selected = q.properties?.map(canonical);
  if (q.where) for (const p of propertiesOf(q.where)) canonical(p);
  const rows: OrderedDict[] = [];
  for (const o of objects) {
    const byName = new Map(o.map(([k, v]) => [k.toLowerCase(), v]));
    if (q.where && !matches(q.where, (p) => byName.get(p.toLowerCase()))) continue;
    rows.push(new OrderedDict(selected ? selected.map((k) => [k, byName.get(k.toLowerCase())] as const) : o));
  }
  return rows;
}

export { WqlError };
