"""The coordinators' overdue digest: who to phone first, who was reminded, phones shown."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from cchc_bot.config.loading import Configuration
from cchc_bot.local_bot_api.model.html import parse_html
from cchc_bot.period_calendar import period_by_code
from cchc_bot.services.reminders import OverdueUnit, ReminderMessage
from cchc_bot.texts import chat_reminders
from handlers.telegram.reminder_delivery import DIGEST_LIMIT, render_reminder

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def unit(code: str, **kwargs: object) -> OverdueUnit:
    """An overdue unit, three days late, with a head unless told otherwise."""
    fields: dict[str, object] = {
        "code": code,
        "name": f"Đơn vị {code}",
        "head_names": ("Ông A",),
        "days_late": 3,
        "reachable": True,
        "has_account": True,
        "reminded": True,
    }
    fields.update(kwargs)
    return OverdueUnit(**fields)  # type: ignore[arg-type]


def digest(config: Configuration, units: list[OverdueUnit]) -> str:
    """The digest as the coordinator reads it (HTML parsed away)."""
    period = period_by_code(config.schedule, "2024-Q1", TZ)
    message = ReminderMessage(
        kind="digest-2024-03-12",
        telegram_user_id=1,
        period=period,
        overdue=True,
        overdue_units=tuple(units),
    )
    return parse_html(render_reminder(message)).text


def heading(title: str) -> str:
    """A group's heading as shown."""
    return parse_html(title).text


def test_groups_come_in_order_to_phone_first_and_each_unit_once(
    bundled_config: Configuration,
) -> None:
    shown = digest(
        bundled_config,
        [
            unit("reminded"),
            unit("new", reminded=False),
            unit("blocked", reachable=False),
            unit("none", has_account=False, reachable=False, head_names=(), phone="0299 3851 234"),
        ],
    )
    order = [
        shown.index(heading(title))
        for title in (
            chat_reminders.DIGEST_NO_ACCOUNT_TITLE,
            chat_reminders.DIGEST_UNREACHABLE_TITLE,
            chat_reminders.DIGEST_REMINDED_TITLE,
            chat_reminders.DIGEST_NOT_REMINDED_TITLE,
        )
    ]
    assert order == sorted(order)
    positions = [shown.index(f"Đơn vị {code} —") for code in ("none", "blocked", "reminded", "new")]
    assert positions == sorted(positions)
    assert all(shown.count(f"Đơn vị {code} —") == 1 for code in ("none", "blocked", "reminded"))
    assert (
        f"• Đơn vị none — {chat_reminders.DIGEST_NO_HEAD} — quá hạn 3 ngày — ☎ 0299 3851 234"
        in shown
    )
    assert "4 đơn vị chưa nộp" in shown


def test_empty_groups_have_no_heading(bundled_config: Configuration) -> None:
    shown = digest(bundled_config, [unit("a"), unit("b")])
    assert heading(chat_reminders.DIGEST_REMINDED_TITLE) in shown
    for title in (
        chat_reminders.DIGEST_NO_ACCOUNT_TITLE,
        chat_reminders.DIGEST_UNREACHABLE_TITLE,
        chat_reminders.DIGEST_NOT_REMINDED_TITLE,
    ):
        assert heading(title) not in shown
    assert "☎" not in shown


def test_a_long_digest_is_cut_with_the_count_of_units_left(bundled_config: Configuration) -> None:
    units = [unit(f"k{n:03d}", has_account=n % 2 == 0, reachable=n % 2 == 0) for n in range(300)]
    period = period_by_code(bundled_config.schedule, "2024-Q1", TZ)
    text = render_reminder(
        ReminderMessage(
            kind="digest",
            telegram_user_id=1,
            period=period,
            overdue=True,
            overdue_units=tuple(units),
        )
    )
    assert len(text) <= DIGEST_LIMIT + 100
    listed = text.count("\n• ")
    assert 0 < listed < 300
    assert chat_reminders.DIGEST_MORE.format(count=300 - listed) in text
    assert text.endswith(chat_reminders.DIGEST_FOOTER)
