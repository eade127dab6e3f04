"""What the report screens say: arithmetic of a failed check, brief summaries, mid-report
review, the receipt's counts and attachment, shortened file names."""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from cchc_bot.config.loading import load_configuration
from cchc_bot.conversation import QuestionView, SummaryView, start
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.period_calendar import period_by_code
from cchc_bot.periods import ReportingPeriod
from cchc_bot.services.attachments import content_matches, shown_name
from cchc_bot.services.reports import Receipt, Screen
from handlers.telegram import report_lines, report_views

from .test_conversation_flow import CONTEXT, at_summary, run

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@functools.cache
def q1() -> ReportingPeriod:
    return period_by_code(load_configuration(bundled_config_dir()).schedule, "2024-Q1", TZ)


def screen_of(view: QuestionView | SummaryView) -> Screen:
    return Screen(1, "abcd1234", q1(), "Xã thử", "draft", view)


def summary_text(view: SummaryView, attachment: str | None = None) -> tuple[str, list[str]]:
    screen = Screen(1, "abcd1234", q1(), "Xã thử", "draft", view, attachment_name=attachment)
    chunks, markup = report_views.render_summary(screen, view)
    labels = [button.text for row in markup.inline_keyboard for button in row]
    return "\n".join(chunks), labels


def test_a_failed_cross_check_is_written_out_in_vietnamese_numbers() -> None:
    blocked = run(start(CONTEXT).state, "1.300", "1200", "1150", "40")
    view = blocked.view
    assert isinstance(view, QuestionView)
    text, markup = report_views.render_question(screen_of(view), view)
    assert "1.150 + 40 = 1.190, nhưng số hồ sơ đã giải quyết là 1.200 (câu 2, 3, 4)" in text, text
    labels = [button.text for row in markup.inline_keyboard for button in row]
    assert "✏️ Sửa câu 2" in labels
    assert "✏️ Sửa câu 3" in labels


def test_a_warning_compares_the_two_figures() -> None:
    asked = run(at_summary(), "sửa 6", "12")
    view = asked.view
    assert isinstance(view, QuestionView)
    text, _ = report_views.render_question(screen_of(view), view)
    assert "Số hiện có là 12, lớn hơn số biên chế được giao (10) (câu 5, 6)" in text, text


def test_after_an_edit_only_the_changed_lines_and_the_buttons_are_shown() -> None:
    review = run(at_summary(), "xem lại").view
    assert isinstance(review, SummaryView)
    full, _ = summary_text(review)
    edited = run(at_summary(), "sửa 2", "1210").view
    assert isinstance(edited, SummaryView)
    text, labels = summary_text(edited)
    # 1.150 + 50 no longer makes 1.210: both lines are flagged, and the rule is listed.
    assert "2. ❗ Số hồ sơ đã giải quyết: <b>1.210</b>" in text
    assert "3. ❗ Tỷ lệ giải quyết đúng hạn: <b>1.150/1.210 = 95,04 %</b>" in text
    assert "1.150 + 50 = 1.200, nhưng số hồ sơ đã giải quyết là 1.210" in text
    assert "Số hồ sơ tiếp nhận" not in text  # not the whole summary again
    assert len(text.splitlines()) < len(full.splitlines())
    assert "✅ Gửi báo cáo" not in labels  # the rule blocks it
    assert "Gửi báo cáo" not in text
    assert "✏️ Sửa câu 2" in labels


def test_a_stray_message_at_the_summary_says_how_to_act_without_the_summary() -> None:
    stray = run(at_summary(), "xin chào").view
    assert isinstance(stray, SummaryView)
    text, labels = summary_text(stray)
    assert "chưa hiểu" in text
    assert "Bấm «✅ Gửi báo cáo» để nộp" in text
    assert "Số hồ sơ tiếp nhận" not in text
    assert "✅ Gửi báo cáo" in labels


def test_review_mid_report_lists_answers_and_counts_what_is_left() -> None:
    middle = run(start(CONTEXT).state, "1.300", "1200", "xem lại").view
    assert isinstance(middle, SummaryView)
    text, labels = summary_text(middle)
    assert "1. Số hồ sơ tiếp nhận: <b>1.300</b>" in text
    assert "Còn <b>4</b> câu chưa trả lời." in text
    assert ": <b>—</b>" not in text  # no "chưa trả lời" line per question
    assert text.count("chưa trả lời") == 1
    assert "✅ Gửi báo cáo" not in labels
    assert "Gửi báo cáo" not in text  # never names a button it does not show
    assert "▶️ Nhập tiếp" in labels
    assert "«▶️ Nhập tiếp»" in text


def test_the_receipt_counts_as_the_bar_and_names_the_attachment() -> None:
    receipt = Receipt(
        period_label="Quý I/2024",
        unit_name="Xã thử",
        figures=30,
        submitted_at=dt.datetime(2024, 3, 8, 10, 0, tzinfo=TZ),
        late=False,
        version=1,
        awaiting_approval=False,
        submitted_by="Chủ tịch",
        answered=35,
        total=35,
        not_applicable=3,
        skipped=2,
        attachment_name="bao-cao-da-ky.pdf",
    )
    text = report_views.render_receipt(receipt, "23:59 ngày 11/3/2024", TZ)
    assert "Đã trả lời: 35/35 câu (3 không phát sinh, 2 bỏ qua)" in text
    assert "Tệp đính kèm: bao-cao-da-ky.pdf" in text


def test_the_opening_estimates_twenty_seconds_a_question() -> None:
    assert [report_lines.estimate_minutes(n) for n in (1, 3, 4, 21, 35)] == [1, 1, 2, 7, 12]


@given(st.text(min_size=1, max_size=400), st.sampled_from([".pdf", ".docx", ".xls", ""]))
def test_a_shown_file_name_is_at_most_200_characters_and_keeps_its_extension(
    stem: str, suffix: str
) -> None:
    name = stem + suffix
    shown = shown_name(name)
    assert len(shown) <= 200
    if len(name) <= 200:
        assert shown == name
    else:
        assert shown.endswith(suffix)
        assert "…" in shown


def test_the_first_bytes_must_match_the_type() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    assert content_matches(".pdf", b"%PDF-1.7 ...")
    assert content_matches(".docx", b"PK\x03\x04...")
    assert content_matches(".xlsx", b"PK\x03\x04...")
    assert content_matches(".doc", ole + b"...")
    assert content_matches(".xls", ole + b"...")
    assert not content_matches(".pdf", b"PK\x03\x04")
    assert not content_matches(".docx", ole)
    assert not content_matches(".doc", b"%PDF")
    assert not content_matches(".exe", b"MZ")
