"""Walks of the organisation tree (units.yaml `parent`): subtrees, child nodes, paths up."""

from __future__ import annotations

from collections.abc import Mapping

Parents = Mapping[str, str | None]
"""Every unit's code with its parent's code (None: a root)."""


def children(parents: Parents) -> dict[str, list[str]]:
    """Each unit's direct children, in the order of `parents`."""
    found: dict[str, list[str]] = {}
    for code, parent in parents.items():
        if parent is not None:
            found.setdefault(parent, []).append(code)
    return found


def subtree(root: str, parents: Parents) -> frozenset[str]:
    """The codes of a node and of every unit below it."""
    below = children(parents)
    found, stack = {root}, [root]
    while stack:
        for child in below.get(stack.pop(), ()):
            if child not in found:  # a cycle (refused by check-config) cannot loop here
                found.add(child)
                stack.append(child)
    return frozenset(found)


def subtotal_root(scope: str | None, parents: Parents) -> str | None:
    """The node whose children get a subtotal: the scope, or the tree's only root if it has one."""
    if scope is not None:
        return scope
    roots = [code for code, parent in parents.items() if parent is None or parent not in parents]
    return roots[0] if len(roots) == 1 else None


def node_under(code: str, root: str, parents: Parents) -> str | None:
    """The child of `root` on the way up from a unit (`root` itself for the root; None: outside)."""
    if code == root:
        return root
    seen = {code}
    current = code
    while True:
        parent = parents.get(current)
        if parent is None or parent in seen:
            return None
        if parent == root:
            return current
        seen.add(parent)
        current = parent
