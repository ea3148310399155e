// Bottom-up tree rewriting that preserves identity: a node whose children and mapped value are
// unchanged is returned as the same object, so callers can compare references to detect change.

import { CHILD_FIELDS } from "./children";
import type { Node } from "./types";

/**
 * Rebuilds `node` with `fn` applied to every descendant (children first), then to the node
 * itself. `fn` returns its argument to keep a node. The result is `node` itself when nothing
 * changed anywhere below or at it.
 */
export function mapTree<T extends Node>(node: T, fn: (node: Node) => Node): T {
  let copy: Record<string, unknown> | undefined;
  const record = node as unknown as Record<string, unknown>;
  for (const field of CHILD_FIELDS[node.kind]) {
    const v = record[field];
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      let changed = false;
      const next = (v as Node[]).map((c) => {
        const m = mapTree(c, fn);
        if (m !== c) changed = true;
        return m;
      });
      if (changed) (copy ??= { ...record })[field] = next;
    } else {
      const m = mapTree(v as Node, fn);
      if (m !== v) (copy ??= { ...record })[field] = m;
    }
  }
  const rebuilt = (copy ?? node) as Node;
  return fn(rebuilt) as T;
}

/** Maps each statement of a list; returns the same array when no statement changed. */
export function mapStatements<T extends Node>(nodes: readonly T[], fn: (node: Node) => Node): readonly T[] {
  let changed = false;
  const out = nodes.map((n) => {
    const m = mapTree(n, fn);
    if (m !== n) changed = true;
    return m;
  });
  return changed ? out : nodes;
}
