"""The report form's fields as the templates show them, and what a post changed in them."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from multidict import MultiMapping

from cchc_bot import date_format
from cchc_bot.config.questionnaire import IndicatorType
from cchc_bot.conversation import FormattedAnswer, QuestionView, Step
from cchc_bot.services.reports.form import FormField
from cchc_bot.services.reports.form_fields import FieldInput, FieldOutcome, confirmation_key
from cchc_bot.texts import web as web_texts
from handlers.telegram import report_views
from handlers.web.tables import plain

PARTS = ("v", "n", "d", "a", "e")  # value, numerator, denominator, action, explanation


@dataclass(frozen=True)
class Confirmation:
    """A tick box the engine asks for: a figure's reading or warnings to confirm."""

    key: str
    label: str


@dataclass(frozen=True)
class ShownField:
    """One question of the form, with what its inputs hold and what the engine said."""

    view: QuestionView
    automatic: bool
    waiting_for: str | None
    values: Mapping[str, str]
    fingerprint: str
    window: str
    current: str
    messages: tuple[str, ...] = ()
    confirmations: tuple[Confirmation, ...] = ()
    ask_explanation: bool = False
    ask_denominator: bool = False
    saved: bool = False
    saved_lines: tuple[str, ...] = field(default_factory=tuple)

    @property
    def has_error(self) -> bool:
        """Whether the field is shown with something to fix or confirm."""
        return bool(self.messages or self.confirmations or self.ask_explanation)


def fingerprint(values: Mapping[str, str]) -> str:
    """A short digest of a field's inputs, to tell on a post whether the person changed it."""
    raw = "\x1f".join(values.get(part, "").strip() for part in PARTS)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _choice_number(view: QuestionView, answer: FormattedAnswer) -> str:
    for number, option in enumerate(view.options, start=1):
        if option == answer.value:
            return str(number)
    return ""


def saved_values(view: QuestionView) -> dict[str, str]:
    """The inputs of a field filled with its saved answer."""
    answer = view.current
    values = dict.fromkeys(PARTS, "")
    if answer is None or answer.automatic:
        return values
    values["e"] = answer.explanation or ""
    if answer.skipped:
        values["a"] = "skip"
        return values
    if answer.not_applicable and answer.numerator is None:
        values["a"] = "na"
        return values
    if answer.numerator is not None or answer.denominator is not None:
        values["n"] = answer.numerator or ""
        values["d"] = answer.denominator or ""
    elif answer.boolean is not None:
        values["v"] = "yes" if answer.boolean else "no"
    elif view.question_type is IndicatorType.CHOICE:
        values["v"] = _choice_number(view, answer)
    else:
        values["v"] = answer.value or ""
    return values


def shown(
    item: FormField, *, result: FieldOutcome | None = None, typed: Mapping[str, str] | None = None
) -> ShownField:
    """A field as the page shows it: saved values, or what was typed and why it was refused."""
    view = item.view
    values = saved_values(view)
    window = web_texts.WINDOW.format(
        start=date_format.format_day(view.window_start),
        end=date_format.format_day(view.window_end),
    )
    current = plain(report_views.answer_text(view.current)) if view.current else ""
    if result is None or result.saved:
        saved_lines = (
            tuple(plain(line) for line in report_views.notice_lines(result.notices))
            if result
            else ()
        )
        return ShownField(
            view,
            item.automatic,
            item.waiting_for,
            values=values,
            fingerprint=fingerprint(values),
            saved=result is not None,
            saved_lines=saved_lines,
            window=window,
            current=current,
        )
    refused = result.view
    assert refused is not None
    pending = result.outcome.state.pending
    confirmations: list[Confirmation] = []
    if pending is not None and refused.step is Step.CONFIRM_NUMBER:
        label = web_texts.CONFIRM_READING.format(
            reading=refused.reading or "", interpretation=refused.interpretation or ""
        )
        confirmations.append(Confirmation(confirmation_key(pending), label))
    if pending is not None and refused.step is Step.CONFIRM_WARNING:
        confirmations.append(Confirmation(confirmation_key(pending), web_texts.CONFIRM_WARNINGS))
    typed_values = {part: (typed or {}).get(part, "") for part in PARTS}
    return ShownField(
        refused,
        item.automatic,
        item.waiting_for,
        values=typed_values,
        # The page keeps the saved answer's fingerprint: the typed values are still a change.
        fingerprint=fingerprint(values),
        messages=tuple(plain(line) for line in report_views.notice_lines(refused.notices)),
        confirmations=tuple(confirmations),
        ask_explanation=refused.step is Step.EXPLANATION,
        ask_denominator=refused.step is Step.DENOMINATOR,
        window=window,
        current=current,
    )


def typed_of(form: MultiMapping[str | bytes | object], indicator_id: str) -> dict[str, str]:
    """What a post carried for one field."""
    values: dict[str, str] = {}
    for part in PARTS:
        raw = form.get(f"{part}.{indicator_id}", "")
        values[part] = raw[:5000] if isinstance(raw, str) else ""
    return values


def changed_inputs(
    form: MultiMapping[str | bytes | object], ids: list[str], only: str | None
) -> tuple[list[FieldInput], dict[str, dict[str, str]]]:
    """The fields of a post to save: the one named by `only`, or every field changed since
    the page was drawn (its inputs differ from its fingerprint, or something was confirmed)."""
    inputs: list[FieldInput] = []
    typed: dict[str, dict[str, str]] = {}
    for indicator_id in ids:
        if only is not None and indicator_id != only:
            continue
        values = typed_of(form, indicator_id)
        confirmed = frozenset(
            str(value) for value in form.getall(f"c.{indicator_id}", []) if isinstance(value, str)
        )
        drawn = form.get(f"w.{indicator_id}", "")
        if only is None and drawn == fingerprint(values) and not confirmed:
            continue
        typed[indicator_id] = values
        inputs.append(
            FieldInput(
                indicator_id,
                value=values["v"],
                numerator=values["n"],
                denominator=values["d"],
                action=values["a"],
                explanation=values["e"],
                confirmed=confirmed,
            )
        )
    return inputs, typed
