"""The conversation state stored on the draft (answers, position, sub-step) and a step's outcome."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cchc_bot.answers import Answer
from cchc_bot.conversation.model import ORIGIN_DEPTH, Notice, Step, View


@dataclass(frozen=True, slots=True)
class Pending:
    """A half-finished step of the current question (stored in the `pending` column)."""

    step: Step
    indicator_id: str
    part: str | None = None  # confirm_number: "value", "numerator" or "denominator"
    number: Decimal | None = None  # confirm_number: the figure to confirm
    interpretation: str | None = None
    numerator: Decimal | None = None  # the numerator already given (denominator step)
    candidate: Answer | None = None  # confirm_warning / explanation: the answer held back
    warnings: tuple[Notice, ...] = ()  # confirm_warning: what is to be confirmed

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        data: dict[str, Any] = {"step": self.step.value, "indicator": self.indicator_id}
        if self.part is not None:
            data["part"] = self.part
        if self.number is not None:
            data["number"] = str(self.number)
        if self.interpretation is not None:
            data["interpretation"] = self.interpretation
        if self.numerator is not None:
            data["numerator"] = str(self.numerator)
        if self.candidate is not None:
            data["candidate"] = self.candidate.to_json()
        if self.warnings:
            data["warnings"] = [notice.to_json() for notice in self.warnings]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Pending:
        """Rebuild from `to_json` output; ValueError (or KeyError) when malformed."""
        candidate = data.get("candidate")
        interpretation = data.get("interpretation")
        part = data.get("part")
        return cls(
            step=Step(data["step"]),
            indicator_id=str(data["indicator"]),
            part=None if part is None else str(part),
            number=_optional_decimal(data.get("number")),
            interpretation=None if interpretation is None else str(interpretation),
            numerator=_optional_decimal(data.get("numerator")),
            candidate=None if candidate is None else Answer.from_json(candidate),
            warnings=tuple(Notice.from_json(item) for item in data.get("warnings") or ()),
        )


@dataclass(frozen=True, slots=True)
class DraftState:
    """The conversation as stored on the draft: answers, position, sub-step, editing flag."""

    answers: Mapping[str, Answer] = field(default_factory=dict)
    position: str = ""  # an indicator id, SUMMARY, DONE, or "" before the first question
    pending: Pending | None = None
    editing: bool = False  # answering a question picked from elsewhere: return there
    # While editing: where to return, innermost last; question ids, SUMMARY at the bottom
    # when the edit began at the summary (empty means the summary too).
    origin: tuple[str, ...] = ()

    def pending_column(self) -> dict[str, Any] | None:
        """The `submissions.pending` JSON: the sub-step and the editing flag (None if neither)."""
        if self.pending is None and not self.editing:
            return None
        data: dict[str, Any] = {"editing": self.editing}
        if self.editing and self.origin:
            data["origin"] = list(self.origin)
        if self.pending is not None:
            data["step"] = self.pending.to_json()
        return data

    @classmethod
    def from_columns(
        cls,
        position: str | None,
        pending: Mapping[str, Any] | None,
        answers: Mapping[str, Answer],
    ) -> DraftState:
        """Rebuild from the submission's `position` and `pending` and its answer rows.

        A malformed `pending` (say, written by an older version) is dropped: the
        question is simply asked again.
        """
        editing = False
        origin: tuple[str, ...] = ()
        step: Pending | None = None
        if isinstance(pending, Mapping):
            editing = bool(pending.get("editing", False))
            raw_origin = pending.get("origin")
            if editing and isinstance(raw_origin, list):
                origin = tuple(str(item) for item in raw_origin[:ORIGIN_DEPTH])
            raw = pending.get("step")
            if isinstance(raw, Mapping):
                try:
                    step = Pending.from_json(raw)
                except (ValueError, KeyError, TypeError, ArithmeticError):
                    step = None
        return cls(dict(answers), position or "", step, editing, origin)

    def to_json(self) -> dict[str, Any]:
        """The whole state as JSON-ready data."""
        return {
            "position": self.position,
            "pending": self.pending_column(),
            "answers": {key: answer.to_json() for key, answer in self.answers.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DraftState:
        """Rebuild from `to_json` output."""
        answers = {str(k): Answer.from_json(v) for k, v in (data.get("answers") or {}).items()}
        return cls.from_columns(data.get("position"), data.get("pending"), answers)


@dataclass(frozen=True, slots=True)
class AnswerChange:
    """One answer row to upsert (`answer` set) or delete (`answer` None)."""

    indicator_id: str
    answer: Answer | None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a step produced: the state to store, the answer rows to write, the view to show."""

    state: DraftState
    changes: tuple[AnswerChange, ...]
    view: View


def _optional_decimal(raw: object) -> Decimal | None:
    if raw is None:
        return None
    number = Decimal(str(raw))
    if not number.is_finite():
        raise ValueError(f"not a finite figure: {raw!r}")
    return number


def outcome(state: DraftState, changes: Iterable[AnswerChange], view: View) -> Outcome:
    """The outcome of a step: its state, the answer rows to write and its view."""
    return Outcome(state, tuple(changes), view)
