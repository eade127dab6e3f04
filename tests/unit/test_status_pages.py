"""The coordinator's /status pages: every unit on exactly one page, each page one message."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from cchc_bot import period_calendar
from cchc_bot.config.loading import Configuration
from cchc_bot.services.status import PeriodStatus, UnitStatus
from handlers.telegram import message_parts, report_views
from handlers.telegram.status import status_page

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2024, 3, 5, 9, 0, tzinfo=TZ)


def statuses(config: Configuration, reason: str) -> PeriodStatus:
    """Every bundled unit returned with the same long reason."""
    period = period_calendar.period_by_code(config.schedule, "2024-Q1", TZ)
    units = tuple(
        UnitStatus(
            code=unit.code,
            name=unit.name,
            kind=str(unit.kind),
            state="returned",
            late=False,
            submitted_at=None,
            answered=35,
            total=35,
            linked=True,
            reachable=True,
            version=1,
            returned_reason=reason,
        )
        for unit in config.units.units
    )
    return PeriodStatus(period=period, closed=False, units=units)


def all_pages(status: PeriodStatus) -> list[str]:
    """Page 0, 1, ... until the page counter says it was the last."""
    first, _ = status_page(status, 0, NOW, TZ)
    found = re.search(r"Trang 1/(\d+)", first)
    count = int(found.group(1)) if found else 1
    return [status_page(status, page, NOW, TZ)[0] for page in range(count)]


def test_long_return_reasons_spread_units_over_pages_without_dropping_any(
    bundled_config: Configuration,
) -> None:
    reason = "Số liệu <câu 7> & <câu 8> chưa khớp. " * 27  # about 1,000 characters
    status = statuses(bundled_config, reason[:1000])
    pages = all_pages(status)
    assert len(pages) > 2  # 38 units of ~1,000 characters cannot fit in two messages
    for text in pages:
        assert report_views.split_messages([text]) == [text]
        rendered = message_parts.rendered_text(text)
        assert message_parts.utf16_length(rendered) <= report_views.MESSAGE_LIMIT
    shown = [code for text in pages for code in re.findall(r"\(<code>([a-z0-9_]+)</code>\)", text)]
    assert sorted(shown) == sorted(unit.code for unit in bundled_config.units.units)


def test_short_lines_keep_twenty_five_units_a_page(bundled_config: Configuration) -> None:
    pages = all_pages(statuses(bundled_config, "Thiếu"))
    counts = [len(re.findall(r"<code>", text)) for text in pages]
    assert counts == [25, 13]
