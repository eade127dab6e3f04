"""A person filling in the report over Telegram: reads each screen, types or taps an answer."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from cchc_bot.access import Actor
from cchc_bot.config.questionnaire import IndicatorType, Questionnaire
from cchc_bot.conversation import QuestionView, Step, SummaryView
from cchc_bot.documents.outline import load_outline
from cchc_bot.documents.pdf import soffice_binary
from cchc_bot.local_bot_api import MessageRecord
from cchc_bot.rules import Reference, Rule, parse_rule
from cchc_bot.services.reports import ReportOutcome
from db.models import Answer

from .conftest import Harness

MEANINGFUL_TEXT = "Cán bộ còn kiêm nhiệm nhiều việc, hạ tầng mạng chưa ổn định."

Figures = Mapping[Reference, Decimal]

# A careful clerk's figures: 5 where the checks allow it, else the first that fits.
_COUNTS = (5, 0, 10, 15, 20, 1, 2, 3, 4)
_TYPED_RATIOS = (4, 0, 5, 10, 15, 20, 1, 2, 3)
# What a figure not typed yet may still become, when judging whether a rule can hold.
_LATER = (0, 5, 10, 15, 20)


def error_rules(questionnaire: Questionnaire) -> tuple[Rule, ...]:
    """The questionnaire's error rules, parsed: the ones a clerk's figures must meet."""
    return tuple(
        parse_rule(check.rule)
        for _, indicator in questionnaire.indicators()
        for check in indicator.checks
        if check.level == "error"
    )


def _can_hold(rule: Rule, figures: Figures) -> bool:
    """Whether the rule holds, or still can once its figures not typed yet are typed."""
    unknown = sorted(ref for ref in rule.references if ref not in figures)
    if len(unknown) > 3:
        return True
    for later in itertools.product(_LATER, repeat=len(unknown)):
        values: dict[Reference, float | None] = {ref: float(v) for ref, v in figures.items()}
        values.update({ref: float(value) for ref, value in zip(unknown, later, strict=True)})
        if rule.evaluate(values) is not False:
            return True
    return False


def _first_fitting(
    rules: Iterable[Rule], figures: Figures, candidates: Iterable[int], parts: Iterable[Reference]
) -> int:
    """The first candidate which, given to every part, leaves every rule able to hold."""
    chosen = tuple(parts)
    relevant = [rule for rule in rules if rule.references & set(chosen)]
    options = tuple(candidates)
    for candidate in options:
        trial = dict(figures)
        trial.update({part: Decimal(candidate) for part in chosen})
        if all(_can_hold(rule, trial) for rule in relevant):
            return candidate
    return options[0]


def plausible_answer(
    view: QuestionView, figures: Figures | None = None, rules: Iterable[Rule] = ()
) -> tuple[str, str]:
    """What a careful clerk answers: ("say", text) or ("press", button text).

    Counts are 5 and typed ratios 4/4 (100 %) unless the questionnaire's error rules, given
    the figures already typed, need another figure (a total equal to its parts); optional
    text questions are skipped in one tap. All checks and targets then pass.
    """
    known = figures or {}
    match view.step:
        case Step.CONFIRM_NUMBER:
            return "press", "✅ Đúng"
        case Step.CONFIRM_WARNING:
            return "press", "✅ Số liệu đúng"
        case Step.EXPLANATION:
            return "say", MEANINGFUL_TEXT
        case Step.DENOMINATOR:
            return "say", view.entered_numerator or "4"
        case Step.NUMERATOR if view.fixed_denominator is not None:
            numerator = Reference(view.indicator_id, "numerator")
            denominator = int(view.fixed_denominator.replace(".", ""))
            fitting = _first_fitting(rules, known, (denominator, *range(denominator)), (numerator,))
            return "say", str(fitting)
        case Step.NUMERATOR:
            parts = (
                Reference(view.indicator_id, "numerator"),
                Reference(view.indicator_id, "denominator"),
            )
            size = _first_fitting(rules, known, _TYPED_RATIOS, parts)
            return "say", f"{size}/{size}"
        case _:
            pass
    match view.question_type:
        case IndicatorType.BOOLEAN:
            return "press", "✅ Có"
        case IndicatorType.CHOICE:
            return "say", "1"
        case IndicatorType.TEXT if not view.required:
            return "press", "⏭ Bỏ qua"
        case IndicatorType.TEXT:
            return "say", MEANINGFUL_TEXT
        case IndicatorType.PERCENT:
            return "say", "100"
        case _:
            reference = Reference(view.indicator_id)
            return "say", str(_first_fitting(rules, known, _COUNTS, (reference,)))


async def current_view(harness: Harness, actor: Actor) -> QuestionView | SummaryView | None:
    """The screen the person is looking at (read from the draft, as the bot would show it)."""
    result = await harness.runtime.reports.current_screen(actor)
    if result.outcome is not ReportOutcome.SCREEN or result.screen is None:
        return None
    return result.screen.view


def figures_of(answers: Mapping[str, Any]) -> dict[Reference, Decimal]:
    """Answers (engine answers or answer rows) by indicator id, keyed as rules read them."""
    figures: dict[Reference, Decimal] = {}
    for ident, answer in answers.items():
        for part in ("value", "numerator", "denominator"):
            value = getattr(answer, part)
            if value is not None:
                figures[Reference(ident, part)] = value
    return figures


async def draft_figures(harness: Harness, actor: Actor) -> dict[Reference, Decimal]:
    """The figures saved on the person's open draft, keyed as rules read them."""
    result = await harness.runtime.reports.current_screen(actor)
    if result.screen is None:
        return {}
    async with harness.runtime.session_factory() as session:
        rows = await session.scalars(
            select(Answer).where(Answer.submission_id == result.screen.submission_id)
        )
        return figures_of({row.indicator_id: row for row in rows})


async def unit_report_sent(harness: Harness, user_id: int, after: int) -> list[MessageRecord]:
    """Wait for the unit's report the bot sends after the receipt: DOCX, and PDF with LibreOffice.

    The receipt comes first; the documents follow (the PDF takes LibreOffice a few seconds), so
    a test's next step must not take them for the answer to what it does next.
    """
    outline = load_outline(harness.runtime.config.directory, harness.runtime.config.questionnaire)
    if not outline.unit_report.send_on_submit:
        return []
    expected = 2 if outline.unit_report.pdf and soffice_binary() else 1
    for _ in range(1200):
        sent = [
            m
            for m in harness.server.transcript(user_id)
            if m.from_bot and m.document and m.message_id > after
        ]
        if len(sent) >= expected:
            await harness.server.wait_until_idle(timeout=10, quiet=0.15)
            return sent
        await asyncio.sleep(0.05)
    raise AssertionError(f"the unit report did not follow the receipt: {sent}")


async def fill_in_report(
    harness: Harness, user_id: int, *, submit: bool = True
) -> list[MessageRecord]:
    """Answer every question of the open draft, then submit from the summary."""
    actor = await harness.runtime.accounts.resolve_actor(user_id)
    assert actor is not None
    rules = error_rules(harness.runtime.config.questionnaire)
    last: list[MessageRecord] = []
    for _ in range(300):
        view = await current_view(harness, actor)
        if view is None:
            return last
        if isinstance(view, SummaryView):
            if not submit:
                return last
            assert view.submit_allowed, view.errors
            receipt = await harness.press(user_id, "✅ Gửi báo cáo", count=1)
            if any("Đã gửi báo cáo" in (m.text or "") for m in receipt):
                await unit_report_sent(harness, user_id, receipt[0].message_id)
            return receipt
        figures = await draft_figures(harness, actor)
        kind, value = plausible_answer(view, figures, rules)
        last = (
            await harness.say(user_id, value)
            if kind == "say"
            else await harness.press(user_id, value)
        )
    raise AssertionError("the report did not end after 300 answers")
