// The child fields of every node kind: the one table walk.ts and map.ts both read, so a new
// node kind is described once. Owns no traversal logic.

import type { Node } from "./types";

/** Child-holding fields of each node kind, in source order. Fields may hold a node, an array of nodes, or be absent. */
export const CHILD_FIELDS: { readonly [K in Node["kind"]]: readonly string[] } = {
  select: ["columns", "from", "where", "groupBy", "orderBy", "limit"],
  let: ["name", "params", "body"],
  param: ["name", "default"],
  star: [],
  column: ["expr", "alias"],
  "order-by": ["column"],
  limit: [],
  name: [],
  plugin: ["name", "args"],
  arg: ["name", "value"],
  number: [],
  string: [],
  bool: [],
  null: [],
  error: [],
  symbol: ["parts"],
  call: ["name", "args"],
  member: ["object", "property"],
  index: ["object", "index"],
  slice: ["object", "start", "end"],
  negate: ["operand"],
  not: ["operand"],
  binary: ["left", "right"],
  compare: ["left", "right"],
  and: ["left", "right"],
  or: ["left", "right"],
  paren: ["expr"],
  array: ["elements"],
  subquery: ["query"],
};

/** The direct children of a node, in source order. */
export function childrenOf(node: Node): Node[] {
  const out: Node[] = [];
  const record = node as unknown as Record<string, unknown>;
  for (const field of CHILD_FIELDS[node.kind]) {
    const v = record[field];
    if (Array.isArray(v)) out.push(...(v as Node[]));
    else if (v !== undefined) out.push(v as Node);
  }
  return out;
}
