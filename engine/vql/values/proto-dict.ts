/**
 * ProtoDict: a dict standing for one of Velociraptor's protobuf messages (the `config` scope
 * variable). VQL reaches a Go protobuf struct's fields by the Go name or the JSON name
 * (`config.Version.BuildTime`, `config.version`, `config.Version.ci_build_url` all work in
 * Velociraptor), so a member missing under its exact name is looked up ignoring case and
 * underscores. It is shown, serialised and iterated under its own keys (the JSON names).
 */
import { OrderedDict } from "./ordered-dict";

function fold(name: string): string {
  return name.replace(/_/g, "").toLowerCase();
}

export class ProtoDict extends OrderedDict {
  override get(key: string): unknown {
    const exact = super.get(key);
    if (exact !== undefined) return exact;
    const want = fold(key);
    for (const [k, v] of this.entries()) if (fold(k) === want) return v;
    return undefined;
  }

  /** A ProtoDict of a plain object's entries; nested plain objects become ProtoDicts too. */
  static of(obj: Record<string, unknown>): ProtoDict {
    const d = new ProtoDict();
    for (const [k, v] of Object.entries(obj)) d.set(k, v !== null && typeof v === "object" && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype ? ProtoDict.of(v as Record<string, unknown>) : v);
    return d;
  }
}
