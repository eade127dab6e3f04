"""Cross-field check rules such as `tthc_04.numerator + tthc_05 == tthc_03`: parse and evaluate."""

from __future__ import annotations

import ast
import decimal
import functools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, TypeAlias

Part = Literal["value", "numerator", "denominator"]

MAX_RULE_LENGTH = 500
"""Longer rules are refused: they are typos, and deep nesting would exhaust the parser."""

_INDICATOR_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_RATIO_PARTS: frozenset[str] = frozenset({"numerator", "denominator"})
_RELATIVE_TOLERANCE = Decimal("1e-9")
_CONTEXT = decimal.Context(
    prec=34,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)


class RuleError(ValueError):
    """Base class of the errors this module raises."""


class RuleSyntaxError(RuleError):
    """The rule text is not a rule this module understands."""


class RuleEvaluationError(RuleError):
    """A value given to `Rule.evaluate` is not a finite number."""


@dataclass(frozen=True, order=True)
class Reference:
    """One figure a rule reads: an indicator's value, or a ratio's numerator or denominator."""

    indicator_id: str
    part: Part = "value"

    def __str__(self) -> str:
        return self.indicator_id if self.part == "value" else f"{self.indicator_id}.{self.part}"


# --- the parsed expression tree -------------------------------------------------------------


@dataclass(frozen=True)
class _Number:
    value: Decimal


@dataclass(frozen=True)
class _Ref:
    reference: Reference


@dataclass(frozen=True)
class _Negate:
    operand: _Expr


@dataclass(frozen=True)
class _Arithmetic:
    op: Literal["+", "-", "*", "/"]
    left: _Expr
    right: _Expr


@dataclass(frozen=True)
class _Compare:
    operands: tuple[_Expr, ...]
    ops: tuple[str, ...]


@dataclass(frozen=True)
class _Logic:
    op: Literal["and", "or"]
    parts: tuple[_Condition, ...]


_Expr: TypeAlias = "_Number | _Ref | _Negate | _Arithmetic"
_Condition: TypeAlias = "_Compare | _Logic"

_ARITHMETIC_OPS: dict[type[ast.operator], Literal["+", "-", "*", "/"]] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
}
_COMPARE_OPS: dict[type[ast.cmpop], str] = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
}
_COMPARATORS: dict[str, Callable[[int], bool]] = {
    "<": lambda sign: sign < 0,
    "<=": lambda sign: sign <= 0,
    ">": lambda sign: sign > 0,
    ">=": lambda sign: sign >= 0,
    "==": lambda sign: sign == 0,
    "!=": lambda sign: sign != 0,
}


@dataclass(frozen=True)
class Rule:
    """A parsed check rule: its text, the figures it reads and how to evaluate it."""

    text: str
    references: frozenset[Reference]
    _condition: _Condition = field(repr=False, compare=False)
    _divides: bool = field(default=False, repr=False, compare=False)

    @property
    def indicator_ids(self) -> frozenset[str]:
        """The ids of the indicators the rule reads."""
        return frozenset(ref.indicator_id for ref in self.references)

    def evaluate(self, values: Mapping[Reference, float | None]) -> bool | None:
        """Tell whether the rule holds; None if a figure is missing or a divisor is zero."""
        # Values must be finite numbers; anything else raises RuleEvaluationError.
        numbers: dict[Reference, Decimal | None] = {
            ref: _to_decimal(ref, values.get(ref)) for ref in self.references
        }
        try:
            with decimal.localcontext(_CONTEXT):
                return self._condition_value(self._condition, numbers)
        except decimal.Overflow as exc:
            raise RuleEvaluationError(f"rule {self.text!r}: a result is too large") from exc
        except decimal.DecimalException as exc:  # pragma: no cover - defensive
            raise RuleEvaluationError(f"rule {self.text!r}: {exc}") from exc

    def _condition_value(
        self, node: _Condition, numbers: Mapping[Reference, Decimal | None]
    ) -> bool | None:
        if isinstance(node, _Logic):
            results = [self._condition_value(part, numbers) for part in node.parts]
            decisive = node.op == "or"  # True decides an `or`, False decides an `and`
            if decisive in results:
                return decisive
            return None if None in results else not decisive
        operands = [_expr_value(operand, numbers) for operand in node.operands]
        outcome: bool | None = True
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            if left is None or right is None:
                outcome = None
                continue
            if not _COMPARATORS[op](self._sign(left, right)):
                return False
        return outcome

    def _sign(self, left: Decimal, right: Decimal) -> int:
        if self._divides:
            # Quotients are rounded to 34 digits: treat a relative hair's breadth as equal.
            scale = max(Decimal(1), abs(left), abs(right))
            if abs(left - right) <= _RELATIVE_TOLERANCE * scale:
                return 0
        if left == right:
            return 0
        return 1 if left > right else -1


def _to_decimal(ref: Reference, value: object) -> Decimal | None:
    """Convert an input figure exactly (floats by their shortest repr, so 95.5 stays 95.5)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise RuleEvaluationError(f"{ref} is not a finite number: {value}")
        return value
    if isinstance(value, int):  # bool included: True counts as 1
        return Decimal(int(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise RuleEvaluationError(f"{ref} is not a finite number: {value}")
        return Decimal(repr(value))
    raise RuleEvaluationError(f"{ref} is not a number: {value!r}")


def _expr_value(node: _Expr, numbers: Mapping[Reference, Decimal | None]) -> Decimal | None:
    if isinstance(node, _Number):
        return node.value
    if isinstance(node, _Ref):
        return numbers.get(node.reference)
    if isinstance(node, _Negate):
        operand = _expr_value(node.operand, numbers)
        return None if operand is None else -operand
    left = _expr_value(node.left, numbers)
    right = _expr_value(node.right, numbers)
    if left is None or right is None:
        return None
    match node.op:
        case "+":
            return left + right
        case "-":
            return left - right
        case "*":
            return left * right
        case _:
            return None if right == 0 else left / right


# --- parsing --------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def parse_rule(text: str) -> Rule:
    """Parse a rule such as `tcbm_02 <= tcbm_01`; raise RuleSyntaxError with a clear message."""
    source = text.strip()
    if not source:
        raise RuleSyntaxError("the rule is empty")
    if len(source) > MAX_RULE_LENGTH:
        raise RuleSyntaxError(f"the rule is longer than {MAX_RULE_LENGTH} characters")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        where = f" at character {exc.offset}" if exc.offset else ""
        raise RuleSyntaxError(f"not a valid expression{where}: {exc.msg}") from exc
    except (ValueError, RecursionError, MemoryError) as exc:
        raise RuleSyntaxError("not a valid expression") from exc
    builder = _Builder()
    try:
        condition = builder.condition(tree.body)
    except RecursionError as exc:
        raise RuleSyntaxError("the rule is nested too deeply") from exc
    return Rule(
        text=source,
        references=frozenset(builder.references),
        _condition=condition,
        _divides=builder.divides,
    )


class _Builder:
    """Turns a Python AST into the rule tree, refusing everything outside the rule language."""

    def __init__(self) -> None:
        self.references: set[Reference] = set()
        self.divides = False

    def condition(self, node: ast.expr) -> _Condition:
        if isinstance(node, ast.BoolOp):
            op: Literal["and", "or"] = "and" if isinstance(node.op, ast.And) else "or"
            return _Logic(op, tuple(self.condition(value) for value in node.values))
        if isinstance(node, ast.Compare):
            ops: list[str] = []
            for cmp_op in node.ops:
                symbol = _COMPARE_OPS.get(type(cmp_op))
                if symbol is None:
                    raise RuleSyntaxError(
                        f"unsupported comparison {_snippet(node)!r}: use <, <=, >, >=, == or !="
                    )
                ops.append(symbol)
            operands = (node.left, *node.comparators)
            return _Compare(tuple(self.expression(operand) for operand in operands), tuple(ops))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            raise RuleSyntaxError("'not' is not supported: write the opposite comparison")
        raise RuleSyntaxError(
            f"a rule must compare figures, e.g. 'tcbm_02 <= tcbm_01'; got {_snippet(node)!r}"
        )

    def expression(self, node: ast.expr) -> _Expr:
        if isinstance(node, ast.Name):
            return _Ref(self._reference(node.id, "value"))
        if isinstance(node, ast.Attribute):
            if not isinstance(node.value, ast.Name):
                raise RuleSyntaxError(
                    f"{_snippet(node)!r}: only an indicator id may have .numerator/.denominator"
                )
            if node.attr not in _RATIO_PARTS:
                raise RuleSyntaxError(
                    f"{_snippet(node)!r}: unknown part {node.attr!r}; "
                    "use .numerator or .denominator"
                )
            part: Part = "numerator" if node.attr == "numerator" else "denominator"
            return _Ref(self._reference(node.value.id, part))
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise RuleSyntaxError(f"{_snippet(node)!r}: only numbers may be written in a rule")
            if isinstance(node.value, float) and not math.isfinite(node.value):
                raise RuleSyntaxError(f"{_snippet(node)!r}: the number is too large")
            return _Number(Decimal(repr(node.value)))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return _Negate(self.expression(node.operand))
        if isinstance(node, ast.BinOp):
            op = _ARITHMETIC_OPS.get(type(node.op))
            if op is None:
                raise RuleSyntaxError(
                    f"unsupported operator in {_snippet(node)!r}: use +, -, * or /"
                )
            if op == "/":
                self.divides = True
            return _Arithmetic(op, self.expression(node.left), self.expression(node.right))
        if isinstance(node, ast.Compare | ast.BoolOp):
            raise RuleSyntaxError(
                f"{_snippet(node)!r}: a comparison cannot be used inside a calculation"
            )
        raise RuleSyntaxError(
            f"{_snippet(node)!r} is not allowed: use indicator ids, numbers, + - * / and "
            "one comparison"
        )

    def _reference(self, name: str, part: Part) -> Reference:
        if not _INDICATOR_ID.match(name):
            raise RuleSyntaxError(
                f"{name!r} is not an indicator id (lowercase letters, digits and _)"
            )
        reference = Reference(name, part)
        self.references.add(reference)
        return reference


def _snippet(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # pragma: no cover - unparse of a parsed tree does not fail in practice
        return type(node).__name__
