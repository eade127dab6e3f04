"""The answer to one question of a draft, shaped like its database row and JSON-serialisable."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cchc_bot.number_format import percent_of

PERCENT_DECIMALS = 2
"""Decimals of a ratio's computed percentage (shown and checked against targets)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer; the fields are the columns of the `answers` row.

    integer / decimal / percent: `value`; ratio: `numerator` and `denominator` (the
    percentage is computed, never stored); boolean: `value` 1 or 0; choice: `value` the
    1-based option number and `text_value` the option; text: `text_value`.
    `not_applicable` is "Không phát sinh" (a ratio over a zero denominator keeps 0/0),
    `skipped` an optional question passed by, `explanation` the giải trình of a missed
    target, `confirmed_warnings` the keys of warnings the person confirmed.
    """

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    text_value: str | None = None
    not_applicable: bool = False
    skipped: bool = False
    explanation: str | None = None
    confirmed_warnings: frozenset[str] = frozenset()

    @property
    def percentage(self) -> Decimal | None:
        """A ratio's percentage (2 decimals); None when not applicable or incomplete."""
        if self.not_applicable or self.numerator is None or self.denominator is None:
            return None
        return percent_of(self.numerator, self.denominator, PERCENT_DECIMALS)

    @property
    def is_answered(self) -> bool:
        """Whether the question has a real answer (not skipped, not "không phát sinh")."""
        return not (self.not_applicable or self.skipped)

    def same_content(self, other: Answer) -> bool:
        """Whether two answers say the same thing (explanation and confirmations aside)."""
        return (
            self.value == other.value
            and self.numerator == other.numerator
            and self.denominator == other.denominator
            and self.text_value == other.text_value
            and self.not_applicable == other.not_applicable
            and self.skipped == other.skipped
        )

    def to_columns(self) -> dict[str, Any]:
        """The values of the `answers` row columns (confirmed_warnings as a JSON object)."""
        return {
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "text_value": self.text_value,
            "not_applicable": self.not_applicable,
            "skipped": self.skipped,
            "explanation": self.explanation,
            "confirmed_warnings": (
                {key: True for key in sorted(self.confirmed_warnings)}
                if self.confirmed_warnings
                else None
            ),
        }

    @classmethod
    def from_columns(cls, row: Mapping[str, Any]) -> Answer:
        """Rebuild an answer from the columns of its row (any mapping with those keys)."""
        warnings = row.get("confirmed_warnings") or {}
        return cls(
            value=_decimal(row.get("value")),
            numerator=_decimal(row.get("numerator")),
            denominator=_decimal(row.get("denominator")),
            text_value=_text(row.get("text_value")),
            not_applicable=bool(row.get("not_applicable", False)),
            skipped=bool(row.get("skipped", False)),
            explanation=_text(row.get("explanation")),
            confirmed_warnings=frozenset(str(key) for key in warnings),
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (figures as decimal strings, empty fields left out)."""
        data: dict[str, Any] = {}
        for name in ("value", "numerator", "denominator"):
            figure = getattr(self, name)
            if figure is not None:
                data[name] = str(figure)
        if self.text_value is not None:
            data["text_value"] = self.text_value
        if self.not_applicable:
            data["not_applicable"] = True
        if self.skipped:
            data["skipped"] = True
        if self.explanation is not None:
            data["explanation"] = self.explanation
        if self.confirmed_warnings:
            data["confirmed_warnings"] = sorted(self.confirmed_warnings)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Answer:
        """Rebuild an answer from `to_json` output; ValueError when it is malformed."""
        if not isinstance(data, Mapping):
            raise ValueError("an answer must be a JSON object")
        warnings = data.get("confirmed_warnings") or []
        if not isinstance(warnings, list | tuple | dict):
            raise ValueError("confirmed_warnings must be a list")
        return cls(
            value=_decimal(data.get("value")),
            numerator=_decimal(data.get("numerator")),
            denominator=_decimal(data.get("denominator")),
            text_value=_text(data.get("text_value")),
            not_applicable=bool(data.get("not_applicable", False)),
            skipped=bool(data.get("skipped", False)),
            explanation=_text(data.get("explanation")),
            confirmed_warnings=frozenset(str(key) for key in warnings),
        )


def _decimal(raw: object) -> Decimal | None:
    """A stored figure as a finite Decimal."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, Decimal | int | float | str):
        raise ValueError(f"not a figure: {raw!r}")
    if isinstance(raw, float):
        raw = repr(raw)
    try:
        number = Decimal(raw)
    except ArithmeticError as exc:
        raise ValueError(f"not a figure: {raw!r}") from exc
    if not number.is_finite():
        raise ValueError(f"not a finite figure: {raw!r}")
    return number


def _text(raw: object) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise ValueError(f"not a text: {raw!r}")
    return raw
