"""Lines of the report screens: a failed check's arithmetic, the summary's footer, the
report's opening and the receipt's counts (all words from `cchc_bot.texts`)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence

from cchc_bot import date_format
from cchc_bot.conversation import Action, Button, ButtonLabel, Notice, NoticeCode
from cchc_bot.services.attachments import shown_name
from cchc_bot.services.reports import Receipt, Screen
from cchc_bot.texts import chat_common, chat_reminders, chat_report

SECONDS_PER_QUESTION = 20
"""What a question takes on a phone, to tell how long the report will take."""


def _lower_first(text: str) -> str:
    """A label used mid-sentence: "Số hồ sơ" -> "số hồ sơ" (an acronym such as "TTHC" stays)."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def rule_arithmetic(params: Mapping[str, str]) -> str:
    """ "1.150 + 40 = 1.190, nhưng số đã giải quyết là 1.200" ("" without the figures)."""
    template = chat_report.RULE_ARITHMETIC.get(params.get("op", ""))
    if template is None or "left_value" not in params or "right_value" not in params:
        return ""

    def side(name: str, *, short: bool) -> str:
        label = _lower_first(params.get(f"{name}_label", ""))
        value = params[f"{name}_value"]
        if label:
            pattern = chat_report.RULE_SIDE_FIGURE_SHORT if short else chat_report.RULE_SIDE_FIGURE
            return pattern.format(label=chat_common.html(label), value=value)
        expression = params.get(f"{name}_expression", "")
        return chat_report.RULE_SIDE_SUM.format(expression=expression, value=value)

    sentence = template.format(
        left=side("left", short=False),
        right=side("right", short=False),
        right_short=side("right", short=True),
    )
    return _upper_first(sentence)


def rule_line(notice: Notice) -> str | None:
    """A failed cross-check with its arithmetic; None when it has none to show."""
    arithmetic = rule_arithmetic(notice.params)
    template = chat_report.RULE_WITH_ARITHMETIC.get(notice.code.value)
    if not arithmetic or template is None:
        return None
    return template.format(
        message=chat_common.html(notice.params.get("message", "")),
        arithmetic=arithmetic,
        numbers=chat_common.html(notice.params.get("numbers", "")),
    )


def number_list(numbers: Sequence[int]) -> str:
    """ "3, 5, 9–12" for a list of question numbers."""
    parts: list[str] = []
    ordered = sorted(set(numbers))
    index = 0
    while index < len(ordered):
        end = index
        while end + 1 < len(ordered) and ordered[end + 1] == ordered[end] + 1:
            end += 1
        if end - index >= 2:
            parts.append(f"{ordered[index]}–{ordered[end]}")
        else:
            parts.extend(str(number) for number in ordered[index : end + 1])
        index = end + 1
    return ", ".join(parts)


def grouped_missing(notices: Iterable[Notice]) -> tuple[list[Notice], str | None]:
    """The notices without the "câu N chưa trả lời" ones, and those as one line."""
    kept: list[Notice] = []
    missing: list[int] = []
    for notice in notices:
        number = notice.params.get("number", "")
        if notice.code is NoticeCode.MISSING_ANSWER and number.isdigit():
            missing.append(int(number))
        else:
            kept.append(notice)
    if not missing:
        return kept, None
    if len(missing) == 1:
        return [*kept, *_missing_notices(missing)], None
    line = chat_report.SUMMARY_MISSING_GROUP.format(
        count=len(missing), numbers=number_list(missing)
    )
    return kept, line


def _missing_notices(numbers: Sequence[int]) -> list[Notice]:
    return [Notice(NoticeCode.MISSING_ANSWER, {"number": str(n)}) for n in numbers]


def how_to_act(buttons: Sequence[Button]) -> str:
    """The summary's footer, naming only the buttons it shows."""
    ways: list[str] = []
    actions = {(button.label, button.action) for button in buttons}
    if (ButtonLabel.SUBMIT, Action.SUBMIT) in actions:
        ways.append(chat_report.SUMMARY_WAYS["submit"])
    if (ButtonLabel.CONTINUE, Action.NEXT) in actions:
        ways.append(chat_report.SUMMARY_WAYS["continue"])
    if (ButtonLabel.FIX, Action.EDIT) in actions:
        ways.append(chat_report.SUMMARY_WAYS["fix"])
    if (ButtonLabel.EDIT, Action.EDIT) in actions:
        ways.append(chat_report.SUMMARY_WAYS["edit"])
    ways.append(chat_report.SUMMARY_WAYS["review"])
    return chat_report.SUMMARY_HOW.format(ways=chat_report.SUMMARY_HOW_SEPARATOR.join(ways))


def estimate_minutes(questions: int) -> int:
    """Minutes the questions take, rounded up (at least one)."""
    return max(1, math.ceil(questions * SECONDS_PER_QUESTION / 60))


def opening(screen: Screen, now: dt.datetime) -> str:
    """The report's first lines: period, data window, deadline, questions and time."""
    view = screen.view
    period = screen.period
    params = {
        "label": period.label,
        "unit": chat_common.html(screen.unit_name),
        "start": date_format.format_day(period.window_start),
        "end": date_format.format_day(period.window_end),
        "deadline": date_format.format_datetime(period.deadline),
        "left": chat_reminders.days_left_text(period.days_left(now)),
        "questions": view.total,
    }
    left = view.total - view.answered
    if view.answered == 0:
        return chat_report.REPORT_OPENING.format(**params, minutes=estimate_minutes(view.total))
    if left > 0:
        return chat_report.REPORT_OPENING_RESUME.format(
            **params, left_questions=left, minutes=estimate_minutes(left)
        )
    return chat_report.REPORT_OPENING_READY.format(**params)


def receipt_counts(receipt: Receipt) -> dict[str, str]:
    """The receipt's answered count (as the progress bar counted) and its attachment."""
    parts = [
        chat_report.RECEIPT_PARTS[kind].format(count=count)
        for kind, count in (
            ("not_applicable", receipt.not_applicable),
            ("skipped", receipt.skipped),
        )
        if count
    ]
    details = chat_report.RECEIPT_DETAILS.format(parts=", ".join(parts)) if parts else ""
    attachment = (
        chat_report.RECEIPT_ATTACHMENT.format(
            name=chat_common.html(shown_name(receipt.attachment_name))
        )
        if receipt.attachment_name
        else chat_report.RECEIPT_NO_ATTACHMENT
    )
    return {
        "answered": str(receipt.answered),
        "total": str(receipt.total),
        "details": details,
        "attachment": attachment,
    }
