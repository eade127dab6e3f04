"""Render report screens (questions, summaries, receipts) from the engine's views and texts."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from cchc_bot import date_format
from cchc_bot.config.questionnaire import IndicatorType
from cchc_bot.conversation import (
    Action,
    Button,
    ButtonLabel,
    FormattedAnswer,
    Notice,
    NoticeCode,
    QuestionView,
    Step,
    SummaryItem,
    SummaryView,
)
from cchc_bot.services.attachments import shown_name
from cchc_bot.services.reports import PeriodOption, Receipt, Screen
from cchc_bot.texts import chat_common, chat_report
from handlers.telegram import message_parts, report_lines

MESSAGE_LIMIT = 3900  # rendered UTF-16 units, under Telegram's 4096
CURRENT_PREVIEW = 600  # of a long saved text shown above its question
BAR_CELLS = 10
CALLBACK_PREFIX = "r"
PERIOD_PREFIX = "rp"
REVISE_PREFIX = "rv"
APPROVE_PREFIX = "ap"


def callback_for(screen: Screen, button: Button) -> str:
    """Callback data of a report button: prefix, draft, state token, action, argument."""
    parts = (
        CALLBACK_PREFIX,
        screen.submission_id,
        screen.token,
        button.action.value,
        button.argument,
    )
    return "|".join(str(part) for part in parts)


_ID = re.compile(r"[1-9][0-9]{0,17}")  # a row id: ASCII digits only, fits a BIGINT
_PERIOD_CODE = re.compile(r"[0-9]{4}-[A-Z][A-Z0-9]{0,3}")


def parse_id(text: str) -> int | None:
    """A row id from callback data; None for anything else ("²", "-1", 40 digits)."""
    return int(text) if _ID.fullmatch(text) else None


def parse_callback(data: str) -> tuple[int, str, str, str] | None:
    """Split report callback data; None when it is not ours or malformed."""
    parts = data.split("|")
    if len(parts) != 5 or parts[0] != CALLBACK_PREFIX:
        return None
    submission_id = parse_id(parts[1])
    if submission_id is None:
        return None
    return submission_id, parts[2], parts[3], parts[4]


def parse_period_choice(data: str) -> str | None:
    """The period code of a `rp|CODE` button; None when malformed."""
    prefix, _, code = data.partition("|")
    return code if prefix == PERIOD_PREFIX and _PERIOD_CODE.fullmatch(code) else None


def parse_revise(data: str) -> int | None:
    """The submission of a `rv|ID` button; None when malformed."""
    prefix, _, raw = data.partition("|")
    return parse_id(raw) if prefix == REVISE_PREFIX else None


def parse_approval(data: str) -> tuple[int, bool] | None:
    """The submission and the decision of an `ap|ID|1` (approve) or `ap|ID|0` button."""
    parts = data.split("|")
    if len(parts) != 3 or parts[0] != APPROVE_PREFIX or parts[2] not in ("0", "1"):
        return None
    submission_id = parse_id(parts[1])
    return None if submission_id is None else (submission_id, parts[2] == "1")


def progress_bar(answered: int, total: int) -> str:
    """A small bar like ▰▰▰▱▱▱▱▱▱▱."""
    filled = round(BAR_CELLS * answered / total) if total else BAR_CELLS
    return chat_report.PROGRESS_FULL * filled + chat_report.PROGRESS_EMPTY * (BAR_CELLS - filled)


def notice_lines(notices: Iterable[Notice]) -> list[str]:
    """The notices as Vietnamese lines (parameters escaped for HTML)."""
    lines = []
    for notice in notices:
        template = chat_report.NOTICES.get(notice.code.value)
        if template is None:
            continue
        with_figures = report_lines.rule_line(notice)
        if with_figures is not None:
            lines.append(with_figures)
            continue
        params = {key: chat_common.html(value) for key, value in notice.params.items()}
        try:
            lines.append(template.format(**params))
        except (KeyError, IndexError):
            lines.append(template.split("{", 1)[0].strip())
    return lines


def answer_text(answer: FormattedAnswer | None) -> str:
    """One answer as shown in the summary and "already answered" lines."""
    if answer is None:
        return chat_report.SUMMARY_UNANSWERED
    if answer.automatic:
        return chat_report.ANSWER_AUTOMATIC
    if answer.skipped:
        return chat_report.ANSWER_SKIPPED
    if answer.numerator is not None and answer.denominator is not None:
        if answer.percent is None:
            return chat_report.ANSWER_RATIO_NA.format(
                numerator=answer.numerator, denominator=answer.denominator
            )
        return chat_report.ANSWER_RATIO.format(
            numerator=answer.numerator, denominator=answer.denominator, percent=answer.percent
        )
    if answer.not_applicable:
        return chat_report.ANSWER_NOT_APPLICABLE
    if answer.boolean is not None:
        return chat_report.ANSWER_YES if answer.boolean else chat_report.ANSWER_NO
    return chat_common.html(answer.value or "")


def _button_label(view_options: Sequence[str], button: Button) -> str:
    if button.label is ButtonLabel.OPTION:
        index = int(button.argument) - 1
        option = view_options[index] if 0 <= index < len(view_options) else button.argument
        short = option if len(option) <= 32 else option[:31] + "…"
        return f"{button.argument}. {short}"
    if button.label is ButtonLabel.FIX:
        return chat_report.BUTTON_FIX.format(number=button.argument)
    return chat_report.BUTTON_LABELS[button.label.value]


def keyboard(
    screen: Screen, buttons: Sequence[Button], options: Sequence[str] = ()
) -> InlineKeyboardMarkup:
    """Buttons two to a row (options one to a row, as they are long)."""
    rows: list[list[InlineKeyboardButton]] = []
    pair: list[InlineKeyboardButton] = []
    for button in buttons:
        item = InlineKeyboardButton(
            _button_label(options, button), callback_data=callback_for(screen, button)
        )
        if button.label is ButtonLabel.OPTION:
            rows.append([item])
            continue
        pair.append(item)
        if len(pair) == 2:
            rows.append(pair)
            pair = []
    if pair:
        rows.append(pair)
    return InlineKeyboardMarkup(rows)


def _prompt(view: QuestionView) -> str:
    unit = f" ({chat_common.html(view.numerator_unit)})" if view.numerator_unit else ""
    # Part labels are said inside a sentence ("Nhập số hồ sơ…"), so they lose their capital.
    numerator = chat_common.html(
        chat_common.mid_sentence(view.numerator_label or chat_report.NUMERATOR_WORD)
    )
    denominator = chat_common.html(
        chat_common.mid_sentence(view.denominator_label or chat_report.DENOMINATOR_WORD)
    )
    match view.step:
        case Step.NUMERATOR if view.fixed_denominator is not None:
            template = (
                chat_report.PROMPT_NUMERATOR_FIXED
                if view.denominator_label
                else chat_report.PROMPT_NUMERATOR_FIXED_UNNAMED
            )
            return template.format(
                source=view.denominator_source,
                denominator_value=view.fixed_denominator,
                denominator=denominator,
                numerator=numerator,
                unit=unit,
            )
        case Step.NUMERATOR:
            return chat_report.PROMPT_NUMERATOR.format(numerator=numerator, unit=unit)
        case Step.DENOMINATOR:
            denominator_unit = (
                f" ({chat_common.html(view.denominator_unit)})" if view.denominator_unit else ""
            )
            return chat_report.PROMPT_DENOMINATOR.format(
                numerator_value=view.entered_numerator or "",
                denominator=denominator,
                unit=denominator_unit,
            )
        case Step.CONFIRM_NUMBER:
            words = view.interpretation or ""
            if not words or words.startswith(chat_report.OLD_INTERPRETATION_PREFIX):
                # Drafts saved before the reading was spelled out in words alone.
                return chat_report.PROMPT_CONFIRM_NUMBER_PLAIN.format(reading=view.reading or "")
            return chat_report.PROMPT_CONFIRM_NUMBER.format(
                reading=view.reading or "", interpretation=chat_common.html(words)
            )
        case Step.CONFIRM_WARNING:
            return chat_report.PROMPT_CONFIRM_WARNING
        case Step.EXPLANATION if view.explanation_for == "warning":
            return chat_report.PROMPT_EXPLANATION_WARNING
        case Step.EXPLANATION:
            return chat_report.PROMPT_EXPLANATION
        case _:
            pass
    if view.question_type is IndicatorType.CHOICE:
        lines = [chat_report.PROMPTS["choice"]]
        lines += [
            chat_report.CHOICE_LINE.format(number=number, option=chat_common.html(option))
            for number, option in enumerate(view.options, start=1)
        ]
        return "\n".join(lines)
    if view.question_type is IndicatorType.TEXT:
        if view.min_length:
            return chat_report.PROMPT_TEXT_MIN.format(
                min_length=view.min_length, max_length=view.max_length
            )
        return chat_report.PROMPTS["text"].format(max_length=view.max_length)
    return chat_report.PROMPTS.get(view.question_type.value, chat_report.PROMPTS["decimal"])


def render_question(
    screen: Screen, view: QuestionView, extra: Sequence[Notice] = (), opening: str = ""
) -> tuple[str, InlineKeyboardMarkup]:
    """The text and keyboard of one question (after the report's opening, when given)."""
    parts = [opening, ""] if opening else []
    parts += notice_lines([*extra, *view.notices])
    if len(parts) > (2 if opening else 0):
        parts.append("")
    parts.append(
        chat_report.QUESTION_HEADER.format(
            section=chat_common.html(view.section_title),
            number=view.number,
            total=view.total,
            bar=progress_bar(view.answered, view.total),
        )
    )
    parts.append(
        chat_report.QUESTION_WINDOW.format(
            start=date_format.format_day(view.window_start),
            end=date_format.format_day(view.window_end),
        )
    )
    parts.append("")
    parts.append(f"<b>{chat_common.html(view.label)}</b>")
    details = []
    if view.unit:
        details.append(chat_report.QUESTION_UNIT.format(unit=chat_common.html(view.unit)))
    if view.target:
        details.append(chat_report.QUESTION_TARGET.format(target=chat_common.html(view.target)))
    if not view.required:
        details.append(chat_report.QUESTION_OPTIONAL)
    if details:
        parts.append(" · ".join(details))
    if view.help:
        parts.append(f"<i>{chat_common.html(view.help)}</i>")
    if view.current is not None and view.step in (Step.ANSWER, Step.NUMERATOR):
        current = message_parts.truncate_html(answer_text(view.current), CURRENT_PREVIEW)
        parts.append(chat_report.QUESTION_CURRENT.format(value=current))
    parts.append("")
    parts.append(_prompt(view))
    text = "\n".join(parts)
    text = message_parts.truncate_html(text, MESSAGE_LIMIT)
    return text, keyboard(screen, view.buttons, view.options)


def summary_buttons(view: SummaryView) -> list[Button]:
    """The summary's buttons: per-question edits become one «Sửa» (then type the number)."""
    buttons: list[Button] = []
    has_edit = False
    for button in view.buttons:
        if button.action is Action.EDIT and button.label is ButtonLabel.EDIT:
            has_edit = True
            continue
        buttons.append(button)
    if has_edit:
        buttons.insert(min(2, len(buttons)), Button(ButtonLabel.EDIT, Action.EDIT, ""))
    return buttons


def brief_screen(screen: Screen) -> Screen:
    """A summary screen shown again as a reminder: how to act, not every line."""
    view = screen.view
    if not isinstance(view, SummaryView) or view.submitted:
        return screen
    return dataclasses.replace(screen, view=dataclasses.replace(view, brief=True, notices=()))


def render_summary(
    screen: Screen, view: SummaryView, extra: Sequence[Notice] = (), opening: str = ""
) -> tuple[list[str], InlineKeyboardMarkup]:
    """The summary split into messages under Telegram's limit; the keyboard goes on the last.

    A brief one (the reply to an edit or to a message at the summary) shows only what
    changed, what blocks submitting and how to go on, not every line again.
    """
    buttons = summary_buttons(view)
    lines = [opening, ""] if opening else []
    lines += notice_lines([*extra, *view.notices])
    if view.brief and not view.submitted:
        lines += _brief_lines(screen, view)
    else:
        lines += _full_lines(screen, view)
    if not view.submitted:
        lines.append("")
        lines.append(report_lines.how_to_act(buttons))
    return split_messages(lines), keyboard(screen, buttons)


def _item_lines(item: SummaryItem) -> list[str]:
    template = chat_report.SUMMARY_ITEM_ERROR if item.has_error else chat_report.SUMMARY_ITEM
    lines = [
        template.format(
            number=item.number, label=chat_common.html(item.label), value=answer_text(item.answer)
        )
    ]
    if item.answer is not None and item.answer.explanation:
        explanation = chat_report.ANSWER_EXPLANATION.format(
            explanation=chat_common.html(item.answer.explanation)
        )
        lines.append("   " + explanation)
    return lines


def _error_lines(view: SummaryView, *, unanswered: int) -> list[str]:
    """What blocks submitting; unanswered questions are one line (or the count, mid-report)."""
    errors, missing = report_lines.grouped_missing(view.errors)
    if unanswered:
        errors = [e for e in errors if e.code is not NoticeCode.MISSING_ANSWER]
        missing = None
    lines = notice_lines(errors)
    if missing is not None:
        lines.append(missing)
    return [chat_report.SUMMARY_ERRORS, *lines] if lines else []


def _attachment_line(screen: Screen, view: SummaryView) -> list[str]:
    if screen.attachment_name:
        name = chat_common.html(shown_name(screen.attachment_name))
        return [chat_report.SUMMARY_ATTACHMENT.format(name=name)]
    return [] if view.submitted else [chat_report.SUMMARY_NO_ATTACHMENT]


def _brief_lines(screen: Screen, view: SummaryView) -> list[str]:
    lines: list[str] = []
    items = [item for section in view.sections for item in section.items]
    changed = [item for item in items if item.number in view.changed]
    if changed:
        lines.append(chat_report.SUMMARY_CHANGED)
        for item in changed:
            lines += _item_lines(item)
    lines.append(chat_report.SUMMARY_PROGRESS.format(answered=view.answered, total=view.total))
    unanswered = sum(1 for item in items if item.answer is None)
    lines += _error_lines(view, unanswered=unanswered)
    if screen.attachment_name:
        lines += _attachment_line(screen, view)
    return lines


def _full_lines(screen: Screen, view: SummaryView) -> list[str]:
    lines: list[str] = []
    if screen.returned_reason and screen.state == "returned":
        lines.append(
            chat_report.SUMMARY_RETURNED.format(reason=chat_common.html(screen.returned_reason))
        )
    lines.append(
        chat_report.SUMMARY_TITLE.format(
            label=screen.period.label,
            unit=chat_common.html(screen.unit_name),
            answered=view.answered,
            total=view.total,
        )
    )
    lines.append(
        chat_report.QUESTION_WINDOW.format(
            start=date_format.format_day(view.window_start),
            end=date_format.format_day(view.window_end),
        )
    )
    unanswered = 0
    for section in view.sections:
        answered_items = [item for item in section.items if item.answer is not None]
        unanswered += len(section.items) - len(answered_items)
        if not answered_items:
            continue  # mid-report: what is left is counted below, not listed
        lines.append(chat_report.SUMMARY_SECTION.format(title=chat_common.html(section.title)))
        for item in answered_items:
            lines += _item_lines(item)
    if unanswered:
        lines.append("")
        lines.append(chat_report.SUMMARY_LEFT.format(count=unanswered))
    lines += _error_lines(view, unanswered=unanswered)
    if view.warnings:
        lines.append(chat_report.SUMMARY_WARNINGS)
        lines += notice_lines(view.warnings)
    lines += _attachment_line(screen, view)
    return lines


def split_messages(lines: Sequence[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Join HTML lines into as few messages as fit `limit` (rendered), each one valid HTML."""
    return message_parts.split_html(lines, limit)


def render_receipt(receipt: Receipt, deadline_text: str, tz: ZoneInfo) -> str:
    """The receipt after submitting."""
    timeliness = (
        chat_report.REPORT_LATE.format(deadline=deadline_text)
        if receipt.late
        else chat_report.REPORT_ON_TIME
    )
    return chat_report.REPORT_RECEIPT.format(
        **report_lines.receipt_counts(receipt),
        label=receipt.period_label,
        unit=chat_common.html(receipt.unit_name),
        at=date_format.format_datetime(receipt.submitted_at, tz),
        timeliness=timeliness,
        version=receipt.version,
    )


def render_period_choice(options: Sequence[PeriodOption]) -> tuple[str, InlineKeyboardMarkup]:
    """Ask which open period to report on."""
    lines = [chat_report.REPORT_CHOOSE_PERIOD.format(count=len(options))]
    buttons = []
    for number, option in enumerate(options, start=1):
        lines.append(
            chat_report.REPORT_PERIOD_LINE.format(
                number=number,
                label=option.label,
                deadline=date_format.format_day(option.deadline.date()),
                state=chat_report.REPORT_PERIOD_STATES.get(option.state, option.state),
            )
        )
        buttons.append(
            [
                InlineKeyboardButton(
                    f"{number}. {option.label}", callback_data=f"{PERIOD_PREFIX}|{option.code}"
                )
            ]
        )
    return "\n".join(lines), InlineKeyboardMarkup(buttons)
