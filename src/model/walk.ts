import type { Nodes } from 'mdast';

/** Returned by a visitor to leave the node's children unvisited. */
export const SKIP_CHILDREN = Symbol('skip children');

/**
 * Visits `tree` and every node below it in document order (pre-order). Iterative, with its own
 * stack, so that pathological nesting cannot exhaust the call stack (unist-util-visit recurses).
 */
export function walkTree(tree: Nodes, visit: (node: Nodes) => typeof SKIP_CHILDREN | void): void {
  const stack: Nodes[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (visit(node) === SKIP_CHILDREN) continue;
    if ('children' in node) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
}
