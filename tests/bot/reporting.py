"""A person filling in the report over Telegram: reads each screen, types or taps an answer."""

from __future__ import annotations

from cchc_bot.access import Actor
from cchc_bot.config.questionnaire import IndicatorType
from cchc_bot.conversation import QuestionView, Step, SummaryView
from cchc_bot.services.reports import ReportOutcome
from cchc_bot.telegram_server import MessageRecord

from .conftest import Harness

MEANINGFUL_TEXT = "Cán bộ còn kiêm nhiệm nhiều việc, hạ tầng mạng chưa ổn định."


def plausible_answer(view: QuestionView) -> tuple[str, str]:
    """What a careful clerk answers: ("say", text) or ("press", button text).

    Every count is 5 and every ratio 100 %, so all checks and targets pass.
    """
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
            return "say", view.fixed_denominator
        case Step.NUMERATOR:
            return "say", "4/4"
        case _:
            pass
    match view.question_type:
        case IndicatorType.BOOLEAN:
            return "press", "✅ Có"
        case IndicatorType.CHOICE:
            return "say", "1"
        case IndicatorType.TEXT:
            return "say", MEANINGFUL_TEXT
        case IndicatorType.PERCENT:
            return "say", "100"
        case IndicatorType.INTEGER:
            # The bundled rule: on-time (= all resolved) + late == resolved, so late is 0.
            return "say", "0" if view.indicator_id == "tthc_05" else "5"
        case _:
            return "say", "5"


async def current_view(harness: Harness, actor: Actor) -> QuestionView | SummaryView | None:
    """The screen the person is looking at (read from the draft, as the bot would show it)."""
    result = await harness.runtime.reports.current_screen(actor)
    if result.outcome is not ReportOutcome.SCREEN or result.screen is None:
        return None
    return result.screen.view


async def fill_in_report(
    harness: Harness, user_id: int, *, submit: bool = True
) -> list[MessageRecord]:
    """Answer every question of the open draft, then submit from the summary."""
    actor = await harness.runtime.accounts.resolve_actor(user_id)
    assert actor is not None
    last: list[MessageRecord] = []
    for _ in range(200):
        view = await current_view(harness, actor)
        if view is None:
            return last
        if isinstance(view, SummaryView):
            if not submit:
                return last
            assert view.submit_allowed, view.errors
            return await harness.press(user_id, "✅ Gửi báo cáo", count=1)  # the receipt
        kind, value = plausible_answer(view)
        last = (
            await harness.say(user_id, value)
            if kind == "say"
            else await harness.press(user_id, value)
        )
    raise AssertionError("the report did not end after 200 answers")
