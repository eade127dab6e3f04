"""Every text of every `cchc_bot/texts` module, rendered with realistic values, reads cleanly.

The rules (each one a defect a field test found):

- no placeholder is left unfilled (`{name}` shown to a person);
- no empty brackets ("()", "«»", "[]") and no brackets inside brackets
  ("Hướng dẫn (Phòng Nội vụ (tổng hợp))");
- no doubled spaces inside a line, no space before punctuation, no doubled punctuation
  (".." , ". .", ",." and the like; "…" is one character and fine);
- the bot's texts are valid Telegram HTML.

And for labels from the questionnaire (which start with a capital, "Số hồ sơ…"):

- *uppercase mid-sentence*: a label with its capital never follows a lower-case word and a
  space ("Nhập Số nhiệm vụ…" must read "Nhập số nhiệm vụ…");
- *lowercase after a colon*: a label never loses its capital at the start of a line or right
  after ": " (there it begins what is said, "Câu 7: Số hồ sơ…").
"""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import pkgutil
import re
import string
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cchc_bot import date_format
from cchc_bot import texts as cchc_texts
from cchc_bot.answers import Answer
from cchc_bot.config.loading import Configuration
from cchc_bot.config.organisation import Organisation
from cchc_bot.config.questionnaire import IndicatorType
from cchc_bot.conversation import (
    DraftState,
    Pending,
    QuestionView,
    Step,
    build_context,
    resume,
)
from cchc_bot.local_bot_api.model.html import parse_html
from cchc_bot.period_calendar import period_by_code
from cchc_bot.services.reminders import ReminderMessage
from cchc_bot.texts import chat_accounts, chat_common, chat_coordinator, chat_reminders, chat_report
from handlers.telegram import report_views
from handlers.telegram.reminder_delivery import render_reminder

# The names of units.yaml `organisation:` that chat texts say, as a commune would write them.
ORGANISATION = Organisation(
    name="UBND xã Trần Đề", short_name="xã Trần Đề", place="Trần Đề", office="Văn phòng UBND xã"
)
# Realistic values for every placeholder name; a list gives every form the code passes.
VALUES: dict[str, list[Any]] = {
    "answer": ["Đã liên kết tài khoản"],
    "base": ["http://127.0.0.1:8080"],  # the web desk's address (texts/web.py)
    "url": ["http://127.0.0.1:8080/login?token=ook6Bl5pVtX-kKMzga38xQ3C5LYAFVXs"],
    "answered": [12],
    "arithmetic": ["1.150 + 40 = 1.190, nhưng số đã giải quyết là 1.200"],
    "at": ["14:05 ngày 8/3/2024"],
    "attachment": [chat_report.RECEIPT_ATTACHMENT.format(name="bao_cao_quy_1.pdf")],
    "bar": ["▰▰▰▱▱▱▱▱▱▱"],
    "before_denominator": ["20"],
    "before_numerator": ["17"],
    # Figures imports and versions (cchc_bot/texts/figures.py).
    "sheet": ["Theo đơn vị"],
    "row": [7],
    "column": ["F"],
    "indicator": ["tthc_14"],
    "header": ["Mã đơn vị"],
    "options": ["Chưa áp dụng; Đang xây dựng"],
    "versions": ["Phiên bản 2024.1: Xã Tài Văn; Phiên bản 2024.2: 37 đơn vị"],
    "before_percent": ["85 %"],
    "buttons": ["1. ✅ Có, 2. ❌ Không"],
    "change": ["+1 ngày"],
    "changes": ["Xã Đại Ân 2 (đến 30/6/2025); Xã Trần Đề (từ 1/7/2025)"],
    "closed": ["", chat_coordinator.STATUS_CLOSED],
    "code": ["xa_tai_van"],
    "command": ["close"],
    "count": [3],
    # The plan annex's tasks (cchc_bot/texts/tasks.py).
    "due": ["10/3/2024", "Mỗi kỳ"],
    "lead": ["Phòng Nội vụ", "Văn phòng HĐND và UBND huyện, Phòng Tư pháp"],
    "product": ["Kế hoạch", "Văn bản hướng dẫn"],
    "status": ["Đang thực hiện, đạt 60 %", "Đã hoàn thành"],
    "document": ["15/KH-UBND (5/3/2024)"],
    "rate": ["66,67 %", "chưa có nhiệm vụ đến hạn"],
    "task": ["kh_tuyen_truyen"],
    "counted": [2],
    "current": ["Thủ trưởng / Chủ tịch UBND — Xã Tài Văn"],
    "day": ["1/7/2025"],
    "days": [3],
    "deadline": ["23:59 ngày 11/3/2024"],
    "denominator": ["20"],
    "denominator_value": ["1.200"],
    "detail": ["nộp 14:05 ngày 8/3/2024"],
    "details": ["", " (30 số liệu, 3 văn bản)"],
    "draft": [4],
    "end": ["10/3/2024"],
    "expected": ["1.200"],
    "explanation": ["Cán bộ một cửa nghỉ phép dài ngày, đã bố trí người thay."],
    "expression": ["1.150 + 40"],
    "factor": ["3"],
    "failed": [1],
    "first_quarter": ["1.200"],
    "grace": [12],
    "heads": ["Nguyễn Văn An"],
    "help": [chat_accounts.help_for("head", "Xã Tài Văn", ORGANISATION)],
    "hours": [24],
    "icon": ["✅"],
    "interpretation": ["một nghìn hai trăm năm mươi"],
    "key": ["tai_van"],
    "keys": ["tai_van, tu_phap, noi_vu"],
    "kind": ["Xã, thị trấn"],
    "label": ["Quý I/2024"],
    "late": [2],
    "left": [
        chat_reminders.days_left_text(3),
        chat_reminders.days_left_text(0),
        chat_reminders.days_left_text(-2),
    ],
    "left_questions": [12],
    "length": [4],
    "marker": ["▶"],
    "max_length": [4000],
    "maximum": ["1.000"],
    "message": ["Số hồ sơ đúng hạn cộng số quá hạn phải bằng số đã giải quyết."],
    "message_id": [12],
    "min_length": [10],
    "minutes": [10],
    "name": ["Xã Tài Văn"],
    "names": ["Nguyễn Văn An, Trần Thị Bình"],
    "node": ["Khối xã"],
    "missing": ["", "; chưa nộp: Xã A2"],
    "new": ["Công chức nhập số liệu — Xã Tài Văn"],
    "not_started": [5],
    "now": ["08:01 ngày 7/3/2024"],
    "number": [7],
    "office": ["Phòng Nội vụ", "Văn phòng HĐND và UBND xã"],
    "organisation": ["UBND huyện Trần Đề", "UBND xã Trần Đề"],
    "area": ["huyện Trần Đề", "thành phố Cần Thơ"],
    "numbers": ["13, 14, 15"],
    "numerator": ["17"],
    "numerator_value": ["17"],
    "on_time": [20],
    "opens": ["25/2/2024"],
    "option": ["Nhóm 2: Tự bảo đảm chi thường xuyên"],
    "page": [1],
    "pages": [2],
    "parts": ["30 số liệu, 3 văn bản"],
    "path": ["/tmp/cchc-sandbox"],
    "people": [3],
    "percent": ["85 %"],
    "issuer": ["UBND xã Tài Văn"],
    "in_progress": [2],
    "overdue": [1],
    "weekday": ["thứ Hai", "Chủ nhật"],
    "time": ["23:59"],
    "subject": ["«12a»", "Tử số «12a»"],
    "example": ["1.234", "17/20"],
    "minimum": ["0"],
    "letters": ["a"],
    "symbol": ["#"],
    "limit": [60],
    "decimals": [2],
    "year": [2024],
    "amount": ["0,4", "46"],
    "word": ["tăng", "giảm"],
    "since": [" so với Quý I năm 2024", " so với kỳ trước"],
    "reached": ["86,96 %"],
    "shown": ["20/22 cơ quan, đơn vị"],
    "reported": [20],
    "place": ["Trần Đề", "Cần Thơ"],
    "placeholder": ["đánh giá chung, ưu điểm"],
    "plan": ["1.200"],
    "share": ["95,5 %"],
    "same": ["Cùng kỳ năm trước (Quý I/2023)"],
    "increment": ["Trong đó kỳ này (từ 11/3/2024 đến 10/6/2024)"],
    "excluded": ["Cơ quan ngành dọc trên địa bàn"],
    "id": ["tthc_04"],
    "group": ["Cấp xã"],
    "of": [20],
    "period": ["Quý I/2024"],
    "phone": ["0299 3851 234"],
    "previous": ["120"],
    "problem": ["report_outline.yaml:57: section II: parts[1].sentences[1]: unknown indicator"],
    "progress": [chat_reminders.progress_text(12, 35), chat_reminders.progress_text(0, 35)],
    "query": ["tai"],
    "questions": [35],
    "reading": ["1.250"],
    "reason": ["Số hồ sơ quá hạn chưa khớp với phần mềm một cửa"],
    "returned": [1],
    "right": ["số đã giải quyết là 1.200"],
    "right_short": ["1.200"],
    "role": [
        chat_accounts.role_label("coordinator", ORGANISATION),
        chat_accounts.role_label("head", ORGANISATION),
    ],
    "scope": ["Khối xã"],
    "seconds": [10.0],
    "section": ["1. Công tác chỉ đạo, điều hành cải cách hành chính"],
    "sent": [12],
    "size": ["1,2 MB"],
    "source": [7],
    "source_number": [7],
    "start": ["11/12/2023"],
    "state": ["đang nhập"],
    "submitted": [20],
    "target": ["≥ 100 %"],
    "telegram_user_id": [123456789],
    "text": ["+1x"],
    "timeliness": [
        chat_report.REPORT_ON_TIME,
        chat_report.REPORT_LATE.format(deadline="23:59 ngày 11/3/2024"),
    ],
    "title": ["1. Công tác chỉ đạo, điều hành cải cách hành chính"],
    "total": [35],
    "unit": ["Xã Tài Văn"],
    "units": [2],
    "unreachable": [1],
    "user_id": [1001],
    "value": ["1.234 hồ sơ", "75 %"],
    "version": [2],
    "ways": ["«Gửi báo cáo» để nộp; «Sửa» rồi gõ số câu cần sửa"],
    "window": [date_format.format_window(dt.date(2023, 12, 11), dt.date(2024, 3, 10))],
}
# Where a name means something else in one template (the key is the template's path,
# `module.NAME` for `cchc_bot.texts`).
OVERRIDES: dict[str, dict[str, list[Any]]] = {
    "group_sentences.BY_GROUP": {
        "label": ["tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn"],
        "parts": ["cấp huyện 99,35 %, cấp xã 76,92 % (chưa đạt mục tiêu ≥ 100 %)"],
    },
    "group_sentences.GROUP_FIGURE": {"group": ["cấp xã"], "figure": ["98,78 %"]},
    "report_tasks.TASKS_TITLE": {"as_of": ["31/3/2024"]},
    "report_tasks.TASK_LINE": {
        "leads": ["Xã Viên An (chưa thực hiện), Phòng Tư pháp (trễ hạn, xong ngày 5/3/2024)"],
        "title": ["Ban hành Kế hoạch tuyên truyền cải cách hành chính năm 2024"],
    },
    "report_tasks.LEAD_STATUS": {"status": ["đang thực hiện, đạt 60 %", "chưa thực hiện"]},
    "report_tasks.LEAD_EXPLAINED": {"status": ["đang thực hiện, đạt 60 %"]},
    "tasks.LIST_RATES": {"due": [6], "in_progress": [1], "overdue": [3]},
    **{
        f"chat_report.{name}": {
            "unit": ["", " (hồ sơ)"],
            "numerator": ["số hồ sơ giải quyết đúng hạn"],
            "denominator": ["tổng số hồ sơ đã giải quyết"],
        }
        for name in (
            "PROMPT_NUMERATOR",
            "PROMPT_NUMERATOR_FIXED",
            "PROMPT_NUMERATOR_FIXED_UNNAMED",
            "PROMPT_DENOMINATOR",
        )
    },
    "chat_coordinator.STATUS_UNIT_SUBMITTED": {"late": ["", chat_coordinator.STATUS_UNIT_LATE]},
    "chat_coordinator.VIEW_TITLE": {"late": ["", ", sau hạn"]},
    "chat_coordinator.RETURN_NOBODY": {"phone": ["", " (☎️ 0299 3851 234)"]},
    "chat_coordinator.REMIND_UNIT_LINE": {"phone": ["", " — ☎️ 0299 3851 234"]},
    "documents.NUMBER": {"code": ["UBND"]},
    "chat_accounts.WEB_LINK": {
        "link": ["https://ban-lam-viec.trande.gov.vn/login?token=Vx3kq9Zr7bYw2Lm8Np4Tc6Hd1Fs5Ja0G"],
        "expires": ["09:10 ngày 5/3/2024"],
    },
    "chat_report.ATTACHMENT_REFUSED.content": {"kind": ["PDF"]},
    **{
        f"chat_report.RULE_ARITHMETIC.{op}": {"left": ["1.150 + 40 = 1.190"]}
        for op in ("==", "!=", "<=", "<", ">=", ">")
    },
}
# Sandbox texts laid out in columns for a terminal: their runs of spaces are alignment;
# and the document number's blank ("Số:      /BC-UBND") is where the clerk writes the number.
ALIGNED = {"sandbox": {"HELP", "PERSONA_LINE", "REMINDERS_HOURS"}, "documents": {"NUMBER"}}


def templates(module: ModuleType) -> Iterator[tuple[str, str]]:
    """Every text of a module: (path, template), dict and list entries included."""

    def walk(value: object, path: str) -> Iterator[tuple[str, str]]:
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, Mapping):
            for key, item in value.items():
                yield from walk(item, f"{path}.{key}")
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                yield from walk(item, f"{path}[{index}]")

    for name in sorted(vars(module)):
        if name.isupper() and not name.startswith("_"):
            yield from walk(getattr(module, name), name)


def renderings(path: str, template: str) -> Iterator[str]:
    """The template with every combination of realistic values for its placeholders."""
    fields = sorted({f for _, f, _, _ in string.Formatter().parse(template) if f is not None})
    if not fields:
        yield template
        return
    missing = [f for f in fields if f not in VALUES and f not in OVERRIDES.get(path, {})]
    assert not missing, f"{path}: add realistic values for {missing} to VALUES in {__file__}"
    options = [OVERRIDES.get(path, {}).get(f, VALUES.get(f, [])) for f in fields]
    for combination in itertools.product(*options):
        yield template.format(**dict(zip(fields, combination, strict=True)))


def problems(text: str, *, aligned: bool = False) -> list[str]:
    """What is wrong with a text as a person reads it (see the module docstring)."""
    found = []
    if "{" in text or "}" in text:
        found.append("unfilled placeholder")
    if re.search(r"\(\s*\)|«\s*»|\[\s*\]", text):
        found.append("empty brackets")
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth > 1:
            found.append("brackets inside brackets")
            break
    if not aligned and re.search(r"\S {2,}", text):
        found.append("doubled space")
    # The second mark ends a word: "; !help" is a mark and a command, not doubled punctuation.
    if re.search(r"[.,;:!?] *[.,;:!?](?=\s|$)", text):
        found.append("doubled punctuation")
    if re.search(r"\S +[.,;:!?](?:\s|$)", text):
        found.append("space before punctuation")
    return found


def wording_modules() -> list[ModuleType]:
    """Every module of `cchc_bot.texts`, found on disk: a new one is rendered without a list."""
    return [
        importlib.import_module(f"{cchc_texts.__name__}.{info.name}")
        for info in pkgutil.iter_modules(cchc_texts.__path__)
    ]


# Chat texts (`chat_*` modules) are Telegram HTML; every other module is checked as plain text.
BOT_TEXTS = [
    (f"{module.__name__.rsplit('.', 1)[-1]}.{path}", template)
    for module in wording_modules()
    if module.__name__.rsplit(".", 1)[-1].startswith("chat_")
    for path, template in templates(module)
]
OTHER_TEXTS = [
    (f"{module.__name__.rsplit('.', 1)[-1]}.{path}", template)
    for module in wording_modules()
    if not module.__name__.rsplit(".", 1)[-1].startswith("chat_")
    for path, template in templates(module)
]
SANDBOX_TEXTS = [(path, template) for path, template in OTHER_TEXTS if path.startswith("sandbox.")]


def test_the_bot_says_many_things() -> None:
    assert len(BOT_TEXTS) > 150
    assert {module.__name__ for module in wording_modules()} >= {
        "cchc_bot.texts.chat_common",
        "cchc_bot.texts.chat_accounts",
        "cchc_bot.texts.chat_reminders",
        "cchc_bot.texts.chat_report",
        "cchc_bot.texts.chat_coordinator",
        "cchc_bot.texts.sandbox",
    }
    assert len(SANDBOX_TEXTS) > 40


@pytest.mark.parametrize(("path", "template"), BOT_TEXTS, ids=[p for p, _ in BOT_TEXTS])
def test_every_bot_text_reads_cleanly(path: str, template: str) -> None:
    for source in renderings(path, template):
        shown = parse_html(source).text  # and it is valid Telegram HTML
        assert not problems(shown), (path, problems(shown), shown)


@pytest.mark.parametrize(("path", "template"), OTHER_TEXTS, ids=[p for p, _ in OTHER_TEXTS])
def test_every_other_text_reads_cleanly(path: str, template: str) -> None:
    aligned = path.split(".")[1].split("[")[0] in ALIGNED.get(path.split(".")[0], set())
    for shown in renderings(path, template):
        assert not problems(shown, aligned=aligned), (path, problems(shown), shown)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Mẫu số lấy từ câu 7: 2 ().", "empty brackets"),
        ("Hướng dẫn (Phòng Nội vụ (tổng hợp))", "brackets inside brackets"),
        ("Đã nhận  tử số.", "doubled space"),
        ("Phải là số nguyên, ví dụ 17/20. Ví dụ: 17/20..", "doubled punctuation"),
        ("Đã lưu .", "space before punctuation"),
        ("Nhập {numerator}.", "unfilled placeholder"),
    ],
)
def test_the_checks_catch_the_defects_found_in_the_field(text: str, problem: str) -> None:
    assert problem in problems(text)


# --- labels from the questionnaire, as every prompt says them ------------------------------


def _starts_capitalised(label: str) -> bool:
    return len(label) > 1 and label[0].isupper() and label[1].islower()


def label_problems(shown: str, labels: Sequence[str]) -> list[str]:
    """The two label rules of the module docstring, for the labels a screen can hold."""
    found = []
    for label in labels:
        if not _starts_capitalised(label):
            continue
        if re.search(r"[a-zà-ỹđ] +" + re.escape(label), shown):
            found.append(f"capital mid-sentence: {label!r}")
        lowered = chat_common.mid_sentence(label)
        if re.search(r"(?:^|: )" + re.escape(lowered), shown, re.MULTILINE):
            found.append(f"lower case after a colon: {lowered!r}")
    return found


def prompt_views(bundled_config: Configuration) -> Iterator[QuestionView]:
    """Every question of the bundled questionnaire, at each step that names its parts."""
    seen: set[str] = set()
    for unit in bundled_config.units.units:
        for kind in ("Q1", "H1", "Q3", "Y"):
            context = build_context(
                bundled_config.questionnaire,
                unit,
                kind,
                cumulative=kind in ("H1", "Y"),
                window_start=dt.date(2023, 12, 11),
                window_end=dt.date(2024, 3, 10),
            )
            answers = {
                q.id: Answer(value=Decimal(1200))
                for q in context.questions
                if q.type is IndicatorType.INTEGER
            }
            for question in context.questions:
                if question.id in seen:
                    continue
                seen.add(question.id)
                pendings: list[Pending | None] = [None]
                if question.type is IndicatorType.RATIO and question.asks_denominator:
                    pendings.append(Pending(Step.DENOMINATOR, question.id, numerator=Decimal(17)))
                for pending in pendings:
                    state = DraftState(answers, question.id, pending)
                    view = resume(context, state).view
                    assert isinstance(view, QuestionView)
                    yield view


def test_prompts_say_labels_in_the_right_case_and_read_cleanly(
    bundled_config: Configuration,
) -> None:
    labels = [
        part.label
        for _, ind in bundled_config.questionnaire.indicators()
        for part in (ind.numerator, ind.denominator)
        if part is not None and part.label
    ] + [ind.label for _, ind in bundled_config.questionnaire.indicators()]
    count = 0
    for view in prompt_views(bundled_config):
        shown = parse_html(report_views._prompt(view)).text
        assert not problems(shown), (view.indicator_id, view.step, problems(shown), shown)
        assert not label_problems(shown, labels), (view.indicator_id, shown)
        count += 1
    assert count > 40


@pytest.mark.parametrize(
    ("shown", "problem"),
    [
        ("Nhập Số nhiệm vụ đã hoàn thành.", "capital mid-sentence"),
        ("Câu 7: số nhiệm vụ đã hoàn thành", "lower case after a colon"),
        ("số nhiệm vụ đã hoàn thành là 3", "lower case after a colon"),
    ],
)
def test_the_label_rules_catch_what_they_should(shown: str, problem: str) -> None:
    found = label_problems(shown, ["Số nhiệm vụ đã hoàn thành"])
    assert any(item.startswith(problem) for item in found), found


def test_a_label_in_its_place_passes_the_label_rules() -> None:
    label = "Số nhiệm vụ đã hoàn thành"
    assert not label_problems("Nhập số nhiệm vụ đã hoàn thành.", [label])
    assert not label_problems("Câu 7: Số nhiệm vụ đã hoàn thành", [label])
    assert not label_problems("Nhập TTHC đã công khai.", ["TTHC đã công khai"])


def test_the_overdue_reminder_asks_its_reader_to_act_not_to_direct_himself(
    bundled_config: Configuration,
) -> None:
    period = period_by_code(bundled_config.schedule, "2024-Q1", ZoneInfo("Asia/Ho_Chi_Minh"))
    message = ReminderMessage(
        kind="overdue-1",
        telegram_user_id=1001,
        period=period,
        overdue=True,
        unit_code="xa_tai_van",
        unit_name="Xã Tài Văn",
        days_left_or_late=-2,
        answered=12,
        total=35,
    )
    shown = parse_html(render_reminder(message)).text
    assert "QUÁ HẠN 2 ngày" in shown
    assert "Đề nghị anh/chị hoàn thành" in shown  # the head reads it: he is asked, by name
    assert "thủ trưởng chỉ đạo" not in shown
    assert not problems(shown)
