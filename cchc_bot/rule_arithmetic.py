"""The arithmetic of a failed check rule, with the person's own figures ("1.150 + 40 = 1.190").

`cchc_bot.rules` decides whether a rule holds; this module only shows why it does not, for
rules that are one comparison of two sides (`a + b == c`, `staff <= quota`). Figures are
formatted by a callback, so the engine decides how each indicator's figures look.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero

from cchc_bot.rules import Reference

Formatter = Callable[[Reference | None, Decimal], str]
"""Formats a figure: of a reference, or (None) a computed sum."""

_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "×", ast.Div: ":"}
_COMPARISONS = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
}
_PARTS = frozenset({"numerator", "denominator"})


@dataclass(frozen=True, slots=True)
class Side:
    """One side of the comparison: its figures written out, its value, the reference if alone."""

    expression: str  # "1.150 + 40" ("" when the side is one reference)
    value: str  # "1.190"
    reference: Reference | None  # the figure the side is, when it is a single one


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """A failed comparison: left side, operator (`==`, `<=`...) and right side."""

    left: Side
    op: str
    right: Side


class _Unsupported(Exception):
    """The rule is not a shape this module writes out."""


def arithmetic_of(
    rule_text: str, values: Mapping[Reference, Decimal | None], figure: Formatter
) -> Arithmetic | None:
    """The two sides of a single-comparison rule with the given figures; None otherwise."""
    tree = _parsed(rule_text)
    if not isinstance(tree, ast.Compare) or len(tree.ops) != 1 or len(tree.comparators) != 1:
        return None
    op = _COMPARISONS.get(type(tree.ops[0]))
    if op is None:
        return None
    try:
        left = _side(tree.left, values, figure)
        right = _side(tree.comparators[0], values, figure)
    except (_Unsupported, ArithmeticError, RecursionError):
        return None
    return Arithmetic(left, op, right)


@functools.lru_cache(maxsize=1024)
def _parsed(rule_text: str) -> ast.expr | None:
    """The rule's expression tree (rules are few and fixed: parsed once each)."""
    try:
        return ast.parse(rule_text.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return None


def _side(node: ast.expr, values: Mapping[Reference, Decimal | None], figure: Formatter) -> Side:
    reference = _reference(node)
    if reference is not None:
        value = values.get(reference)
        if value is None:
            raise _Unsupported
        return Side("", figure(reference, value), reference)
    text, value = _expression(node, values, figure)
    return Side(text, figure(None, value), None)


def _reference(node: ast.expr) -> Reference | None:
    if isinstance(node, ast.Name):
        return Reference(node.id)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.attr in _PARTS:
        return Reference(node.value.id, "numerator" if node.attr == "numerator" else "denominator")
    return None


def _expression(
    node: ast.expr, values: Mapping[Reference, Decimal | None], figure: Formatter
) -> tuple[str, Decimal]:
    """The expression written with figures, and its value."""
    reference = _reference(node)
    if reference is not None:
        value = values.get(reference)
        if value is None:
            raise _Unsupported
        return figure(reference, value), value
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        number = Decimal(repr(node.value))
        return figure(None, number), number
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        text, value = _expression(node.operand, values, figure)
        if isinstance(node.operand, ast.BinOp):
            text = f"({text})"
        return f"-{text}", -value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        symbol = _OPERATORS[type(node.op)]
        left_text, left = _operand(node.left, symbol, values, figure, right_side=False)
        right_text, right = _operand(node.right, symbol, values, figure, right_side=True)
        match symbol:
            case "+":
                value = left + right
            case "-":
                value = left - right
            case "×":
                value = left * right
            case _:
                if right == 0:
                    raise DivisionByZero
                value = left / right
        return f"{left_text} {symbol} {right_text}", value
    raise _Unsupported


_PRECEDENCE = {"+": 1, "-": 1, "×": 2, ":": 2}


def _operand(
    node: ast.expr,
    parent: str,
    values: Mapping[Reference, Decimal | None],
    figure: Formatter,
    *,
    right_side: bool,
) -> tuple[str, Decimal]:
    """An operand, bracketed only where the reading would change without brackets."""
    text, value = _expression(node, values, figure)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        child = _PRECEDENCE[_OPERATORS[type(node.op)]]
        if child < _PRECEDENCE[parent] or (right_side and child == _PRECEDENCE[parent]):
            text = f"({text})"
    return text, value
