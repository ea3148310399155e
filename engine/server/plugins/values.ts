// Stored JSON as VQL values, shared by the server builtins that read results and events.
import { OrderedDict } from "../../vql";

/** A JSON value (from storage) as VQL values: objects become ordered dicts. */
export function toVql(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toVql);
  if (v && typeof v === "object") return new OrderedDict(Object.entries(v).map(([k, x]) => [k, toVql(x)]));
  return v;
}
