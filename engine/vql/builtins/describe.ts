/**
 * describeBuiltins(): the registry as plain descriptors (the shape of Velociraptor's
 * docs/references/vql.yaml), for docs, editor completion, hover and lint.
 */
import type { AnyArgSpec } from "./arg";
import type { Registry } from "./registry";
import type { Builtin, Platform } from "./types";

export interface ArgDescriptor {
  name: string;
  type: string;
  doc: string;
  required: boolean;
  repeated: boolean;
  default?: unknown;
  min?: number;
  max?: number;
}

export interface BuiltinDescriptor {
  name: string;
  kind: "plugin" | "function";
  doc: string;
  category: string;
  args: ArgDescriptor[];
  /** Type and doc of free-form arguments (dict(), chain()...), when accepted. */
  freeArgs?: { type: string; doc: string };
  permissions: string[];
  platforms: Platform[];
  version?: number;
}

function describeArg(name: string, spec: AnyArgSpec): ArgDescriptor {
  const d: ArgDescriptor = {
    name,
    type: spec.typeName,
    doc: spec.docText,
    required: spec.isRequired,
    repeated: spec.kind === "list",
  };
  if (spec.hasDefault) d.default = spec.defaultValue;
  if (spec.minValue !== undefined) d.min = spec.minValue;
  if (spec.maxValue !== undefined) d.max = spec.maxValue;
  return d;
}

export function describeBuiltin(b: Builtin): BuiltinDescriptor {
  const d: BuiltinDescriptor = {
    name: b.name,
    kind: b.kind,
    doc: b.doc,
    category: b.category,
    args: Object.entries(b.args).map(([n, s]) => describeArg(n, s)),
    permissions: b.permissions ?? [],
    platforms: b.platforms,
  };
  if (b.rest) d.freeArgs = { type: b.rest.typeName, doc: b.rest.docText };
  if (b.version !== undefined) d.version = b.version;
  return d;
}

/** Descriptors of every builtin, sorted by name then kind (stable for golden files). */
export function describeBuiltins(registry: Registry | readonly Builtin[]): BuiltinDescriptor[] {
  const all = Array.isArray(registry) ? (registry as readonly Builtin[]) : (registry as Registry).all;
  return all
    .map(describeBuiltin)
    .sort((a, b) => (a.name === b.name ? a.kind.localeCompare(b.kind) : a.name < b.name ? -1 : 1));
}
