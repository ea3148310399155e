// Depth-first traversal of the syntax tree (read-only). Owns visiting order only; passes that
// compute things (lint, outline) live in analysis/.

import { childrenOf } from "./children";
import type { Node } from "./types";

export interface Visitor {
  /** Called before the children; return `false` to skip this node's children. */
  enter?(node: Node, parent: Node | undefined): void | boolean;
  /** Called after the children. */
  leave?(node: Node, parent: Node | undefined): void;
}

/** Visits `root` and all its descendants in source order. */
export function walk(root: Node | readonly Node[], visitor: Visitor): void {
  const visit = (node: Node, parent: Node | undefined): void => {
    if (visitor.enter?.(node, parent) === false) return;
    for (const child of childrenOf(node)) visit(child, node);
    visitor.leave?.(node, parent);
  };
  if (Array.isArray(root)) for (const n of root as readonly Node[]) visit(n, undefined);
  else visit(root as Node, undefined);
}

/** Every node of a kind, in source order. */
export function collect<K extends Node["kind"]>(root: Node | readonly Node[], kind: K): Extract<Node, { kind: K }>[] {
  const out: Extract<Node, { kind: K }>[] = [];
  walk(root, { enter: (n) => void (n.kind === kind && out.push(n as Extract<Node, { kind: K }>)) });
  return out;
}

/** The innermost nodes whose span contains `offset` (outermost first). */
export function pathAt(root: Node | readonly Node[], offset: number): Node[] {
  const path: Node[] = [];
  walk(root, {
    enter: (n) => {
      if (offset < n.span.start || offset > n.span.end) return false;
      path.push(n);
      return true;
    },
  });
  return path;
}
