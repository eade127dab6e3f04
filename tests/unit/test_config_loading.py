"""Tests of the configuration loader: each problem is reported with file, entry, field, line."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from cchc_bot.config.loading import (
    QUESTIONNAIRE_FILE,
    SCHEDULE_FILE,
    UNITS_FILE,
    ConfigIssue,
    ConfigurationError,
    check_configuration,
    load_configuration,
)
from cchc_bot.ops.settings import bundled_config_dir


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """A writable copy of the bundled configuration."""
    target = tmp_path / "config"
    target.mkdir()
    for path in bundled_config_dir().glob("*.yaml"):
        shutil.copy(path, target / path.name)
    return target


def edit(directory: Path, file: str, old: str, new: str) -> str:
    """Replace the one occurrence of `old` in a file; return the new text."""
    path = directory / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {file}"
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text


def line_of(text: str, marker: str, nth: int = 1) -> int:
    """The 1-based line of the nth occurrence of `marker`."""
    position = -1
    for _ in range(nth):
        position = text.index(marker, position + 1)
    return text.count("\n", 0, position) + 1


@dataclass(frozen=True)
class Break:
    """One way to break the bundled configuration and the issue it must produce."""

    name: str
    file: str
    old: str
    new: str
    entry: str
    field: str
    message: str
    at: str | None  # text marking the issue's line in the broken file; None: no line
    nth: int = 1


BREAKS = [
    # --- YAML itself -------------------------------------------------------------------
    Break(
        "yaml_syntax_error_with_line",
        UNITS_FILE,
        '    kind: xa\n    has_tthc: true\n    note: "Mã ĐVHC 31687"',
        '    kind: xa\n\thas_tthc: true\n    note: "Mã ĐVHC 31687"',
        "file",
        "",
        "YAML syntax error: found character '\\t' that cannot start any token",
        "\thas_tthc",
    ),
    Break(
        "yaml_unclosed_bracket",
        SCHEDULE_FILE,
        "{kind: before_2,   anchor: deadline, working_days: -2}",
        "{kind: before_2,   anchor: deadline, working_days: -2",
        "file",
        "",
        "YAML syntax error",
        "{kind: before_1,",
    ),
    Break(
        "yaml_unsafe_tag",
        UNITS_FILE,
        'name: "UBND huyện Trần Đề"',
        'name: !!python/object/apply:os.system ["true"]',
        "file",
        "",
        "could not determine a constructor",
        "name: !!python",
    ),
    Break(
        "yaml_duplicate_key",
        UNITS_FILE,
        '    name: "Phòng Tư pháp"\n',
        '    name: "Phòng Tư pháp"\n    name: "Phòng Tư Pháp"\n',
        "unit p_tu_phap",
        "name",
        "duplicate key 'name' (also on line",
        '    name: "Phòng Tư Pháp"',
    ),
    # --- units.yaml --------------------------------------------------------------------
    Break(
        "duplicate_unit_code",
        UNITS_FILE,
        "  - code: xa_vien_an\n",
        "  - code: xa_tai_van\n",
        "unit xa_tai_van",
        "code",
        "duplicate unit code 'xa_tai_van' (also on line",
        "code: xa_tai_van",
        nth=2,
    ),
    Break(
        "duplicate_unit_name",
        UNITS_FILE,
        'name: "Xã Viên An"',
        'name: "Xã Tài Văn"',
        "unit xa_vien_an",
        "name",
        "duplicate unit name 'Xã Tài Văn'",
        'name: "Xã Tài Văn"',
        nth=2,
    ),
    Break(
        "unknown_unit_kind",
        UNITS_FILE,
        '  - code: bql_da\n    name: "Ban Quản lý dự án đầu tư xây dựng huyện"\n    kind: dvsn',
        '  - code: bql_da\n    name: "Ban Quản lý dự án đầu tư xây dựng huyện"\n    kind: ban',
        "unit bql_da",
        "kind",
        "unknown unit kind 'ban'; allowed kinds: phong, dvsn, co_quan_tinh, xa",
        "kind: ban",
    ),
    Break(
        "unknown_key_in_unit",
        UNITS_FILE,
        '    has_tthc: true\n    note: "Mã ĐVHC 31705"',
        '    has_tthc: true\n    nte: "Mã ĐVHC 31705"',
        "unit xa_vien_binh",
        "nte",
        "unknown field 'nte'; did you mean 'note'?",
        "nte:",
    ),
    Break(
        "missing_required_field",
        UNITS_FILE,
        '    name: "Phòng Y tế"\n',
        "",
        "unit p_y_te",
        "name",
        "required field is missing",
        "- code: p_y_te",
    ),
    Break(
        "entry_without_code_named_by_index",
        UNITS_FILE,
        "  - code: bql_da\n    name:",
        "  - name:",
        "units[15]",
        "code",
        "required field is missing",
        '  - name: "Ban Quản lý dự án',
    ),
    Break(
        "unit_code_with_capitals",
        UNITS_FILE,
        "code: xa_vien_binh",
        "code: Xa-Vien-Binh",
        "unit Xa-Vien-Binh",
        "code",
        "'Xa-Vien-Binh' must use only lowercase a-z, digits and _",
        "code: Xa-Vien-Binh",
    ),
    Break(
        "flag_of_wrong_type",
        UNITS_FILE,
        '    name: "Thanh tra huyện"\n    kind: phong\n    has_tthc: false',
        '    name: "Thanh tra huyện"\n    kind: phong\n    has_tthc: maybe',
        "unit thanh_tra",
        "has_tthc",
        "must be a valid boolean",
        "has_tthc: maybe",
    ),
    # --- questionnaire.yaml: shapes ----------------------------------------------------
    Break(
        "missing_indicator_label",
        QUESTIONNAIRE_FILE,
        '        label: "Số hồ sơ TTHC đã giải quyết trong kỳ"\n',
        "",
        "indicator tthc_03",
        "label",
        "required field is missing",
        "- id: tthc_03",
    ),
    Break(
        "unknown_key_typo_in_indicator",
        QUESTIONNAIRE_FILE,
        '        help: "Số được giao tại thời điểm chốt số liệu."',
        '        hepl: "Số được giao tại thời điểm chốt số liệu."',
        "indicator tcbm_01",
        "hepl",
        "unknown field 'hepl'; did you mean 'help'?",
        "hepl:",
    ),
    Break(
        "unknown_indicator_type",
        QUESTIONNAIRE_FILE,
        '      - id: cv_03\n        label: "Đơn vị đã có danh mục vị trí việc làm được cấp có '
        'thẩm quyền phê duyệt"\n        type: boolean',
        '      - id: cv_03\n        label: "Đơn vị đã có danh mục vị trí việc làm được cấp có '
        'thẩm quyền phê duyệt"\n        type: yes_no',
        "indicator cv_03",
        "type",
        "'yes_no' is not allowed; expected 'integer', 'decimal'",
        "type: yes_no",
    ),
    Break(
        "limit_that_is_not_a_number",
        QUESTIONNAIRE_FILE,
        "        min: 0\n        max: 100\n",
        "        min: zero\n        max: 100\n",
        "indicator cddh_07",
        "min",
        "must be a valid number, unable to parse string as a number (got 'zero')",
        "min: zero",
    ),
    Break(
        "unknown_unit_kind_in_applies_to",
        QUESTIONNAIRE_FILE,
        "        applies_to: [phong, dvsn, xa]\n        core: true\n      - id: cv_02",
        "        applies_to: [phong, dvzn, xa]\n        core: true\n      - id: cv_02",
        "indicator cv_01",
        "applies_to.kinds[1]",
        "unknown unit kind 'dvzn'; allowed kinds: phong, dvsn, co_quan_tinh, xa",
        "[phong, dvzn, xa]",
    ),
    Break(
        "applies_to_written_as_a_word",
        QUESTIONNAIRE_FILE,
        "        applies_to: [dvsn]\n",
        "        applies_to: dvsn\n",
        "indicator tcc_02",
        "applies_to",
        "must be a list of unit kinds like [phong, xa] or flags like {has_tthc: true}",
        "applies_to: dvsn",
    ),
    Break(
        "unknown_flag_in_applies_to",
        QUESTIONNAIRE_FILE,
        '  - code: TTHC\n    title: "3. Cải cách thủ tục hành chính"\n'
        "    applies_to: {has_tthc: true}",
        '  - code: TTHC\n    title: "3. Cải cách thủ tục hành chính"\n'
        "    applies_to: {has_tthcc: true}",
        "section TTHC",
        "applies_to.flags.has_tthcc",
        "unknown flag 'has_tthcc'; allowed flags: has_tthc, active",
        "{has_tthcc: true}",
    ),
    Break(
        "empty_section",
        QUESTIONNAIRE_FILE,
        '  - code: TEXT\n    title: "8. Đánh giá chung và kiến nghị"\n    indicators:\n',
        '  - code: TEXT\n    title: "8. Đánh giá chung và kiến nghị"\n    indicators: []\n'
        "    other:\n",
        "section TEXT",
        "indicators",
        "must have at least 1 item",
        "indicators: []",
    ),
    # --- questionnaire.yaml: meaning ---------------------------------------------------
    Break(
        "duplicate_indicator_id_across_sections",
        QUESTIONNAIRE_FILE,
        "      - id: cv_03\n",
        "      - id: tcbm_03\n",
        "indicator tcbm_03",
        "id",
        "duplicate indicator id 'tcbm_03' (also on line",
        "- id: tcbm_03",
        nth=2,
    ),
    Break(
        "duplicate_section_code",
        QUESTIONNAIRE_FILE,
        "  - code: CV\n",
        "  - code: TCBM\n",
        "section TCBM",
        "code",
        "duplicate section code 'TCBM' (also on line",
        "- code: TCBM",
        nth=2,
    ),
    Break(
        "ratio_without_denominator",
        QUESTIONNAIRE_FILE,
        "        denominator: {from: tthc_16}\n",
        "",
        "indicator tthc_06",
        "denominator",
        "a ratio needs a denominator",
        "- id: tthc_06",
    ),
    Break(
        "ratio_part_with_label_and_from",
        QUESTIONNAIRE_FILE,
        "denominator: {from: tc_01}",
        'denominator: {from: tc_01, label: "Số văn bản"}',
        "indicator tc_02",
        "denominator",
        "give either label or from, not both",
        "denominator: {from: tc_01,",
    ),
    Break(
        "ratio_part_without_label_or_from",
        QUESTIONNAIRE_FILE,
        "        denominator: {from: tthc_16}\n",
        '        denominator: {unit: "hồ sơ"}\n',
        "indicator tthc_06",
        "denominator",
        "needs a label (asked) or from",
        'denominator: {unit: "hồ sơ"}',
    ),
    Break(
        "denominator_from_missing_indicator",
        QUESTIONNAIRE_FILE,
        "        denominator: {from: tthc_16}\n",
        "        denominator: {from: tthc_50}\n",
        "indicator tthc_06",
        "denominator.from",
        "unknown indicator 'tthc_50'",
        "{from: tthc_50}",
    ),
    Break(
        "denominator_from_non_integer_indicator",
        QUESTIONNAIRE_FILE,
        "        denominator: {from: tthc_16}\n",
        "        denominator: {from: tthc_04}\n",
        "indicator tthc_06",
        "denominator.from",
        "'tthc_04' is a ratio indicator; from must name an integer indicator",
        "{from: tthc_04}",
    ),
    Break(
        "denominator_from_itself",
        QUESTIONNAIRE_FILE,
        "        denominator: {from: tthc_16}\n",
        "        denominator: {from: tthc_06}\n",
        "indicator tthc_06",
        "denominator.from",
        "a ratio cannot take its own value",
        "{from: tthc_06}",
    ),
    Break(
        "denominator_from_later_indicator",
        QUESTIONNAIRE_FILE,
        "denominator: {from: tc_01}",
        "denominator: {from: tc_03}",
        "indicator tc_02",
        "denominator.from",
        "'tc_03' must come before this indicator",
        "{from: tc_03}",
    ),
    Break(
        "denominator_from_indicator_not_asked_of_the_same_units",
        QUESTIONNAIRE_FILE,
        "        denominator: {from: tthc_16}\n",
        "        denominator: {from: tc_01}\n",
        "indicator tthc_06",
        "denominator.from",
        "'tc_01' is not asked of unit ca_huyen in period Q1, but this ratio is",
        "{from: tc_01}",
        nth=2,
    ),
    Break(
        "numerator_on_a_count",
        QUESTIONNAIRE_FILE,
        "      - id: tthc_02\n",
        '      - id: tthc_02\n        numerator: {label: "Số hồ sơ"}\n',
        "indicator tthc_02",
        "numerator",
        "only a ratio has a numerator, but the type is integer",
        'numerator: {label: "Số hồ sơ"}',
    ),
    Break(
        "rule_that_does_not_parse",
        QUESTIONNAIRE_FILE,
        'rule: "tc_04.denominator <= tc_03"',
        'rule: "tc_04.denominator =< tc_03"',
        "indicator tc_04",
        "checks[0].rule",
        "cannot read the rule: not a valid expression",
        'rule: "tc_04.denominator =< tc_03"',
    ),
    Break(
        "rule_naming_unknown_indicator",
        QUESTIONNAIRE_FILE,
        '- rule: "tcbm_02 <= tcbm_01"',
        '- rule: "tcbm_02 <= tcbm_1"',
        "indicator tcbm_02",
        "checks[0].rule",
        "unknown indicator 'tcbm_1'",
        'rule: "tcbm_02 <= tcbm_1"',
    ),
    Break(
        "rule_with_numerator_of_a_count",
        QUESTIONNAIRE_FILE,
        '- rule: "tcbm_02 <= tcbm_01"',
        '- rule: "tcbm_02.numerator <= tcbm_01"',
        "indicator tcbm_02",
        "checks[0].rule",
        "'tcbm_02' is not a ratio, so it has no .numerator",
        'rule: "tcbm_02.numerator',
    ),
    Break(
        "rule_over_a_text_answer",
        QUESTIONNAIRE_FILE,
        '- rule: "tcbm_02 <= tcbm_01"',
        '- rule: "tcbm_02 <= txt_01"',
        "indicator tcbm_02",
        "checks[0].rule",
        "'txt_01' is a text indicator, not a number",
        'rule: "tcbm_02 <= txt_01"',
    ),
    Break(
        "choice_with_one_option",
        QUESTIONNAIRE_FILE,
        '          - "Đang xây dựng"\n          - "Đã áp dụng, duy trì (trên giấy)"\n'
        '          - "Đã áp dụng, duy trì trên môi trường điện tử (ISO điện tử)"\n',
        "",
        "indicator cqs_05",
        "options",
        "a choice needs at least 2 options",
        "options:",
        nth=2,
    ),
    Break(
        "choice_with_duplicate_option",
        QUESTIONNAIRE_FILE,
        '          - "Nhóm 3: Tự bảo đảm một phần chi thường xuyên"\n',
        '          - "Nhóm 2: Tự bảo đảm chi thường xuyên"\n',
        "indicator tcc_02",
        "options[2]",
        "duplicate option 'Nhóm 2: Tự bảo đảm chi thường xuyên'",
        '- "Nhóm 2: Tự bảo đảm chi thường xuyên"',
        nth=2,
    ),
    Break(
        "options_on_a_boolean",
        QUESTIONNAIRE_FILE,
        "        type: boolean\n        periods: [Y]\n",
        "        type: boolean\n        periods: [Y]\n        options: [Có, Không]\n",
        "indicator cv_03",
        "options",
        "only a choice has options, but the type is boolean",
        "options: [Có, Không]",
    ),
    Break(
        "min_greater_than_max",
        QUESTIONNAIRE_FILE,
        "        min: 0\n        max: 100\n",
        "        min: 100\n        max: 10\n",
        "indicator cddh_07",
        "min",
        "min (100) is greater than max (10)",
        "min: 100",
    ),
    Break(
        "min_length_greater_than_max_length",
        QUESTIONNAIRE_FILE,
        '        label: "Nhiệm vụ trọng tâm kỳ tiếp theo"\n',
        '        label: "Nhiệm vụ trọng tâm kỳ tiếp theo"\n        max_length: 5\n',
        "indicator txt_03",
        "min_length",
        "min_length (10) is greater than max_length (5)",
        "min_length: 10",
        nth=2,
    ),
    Break(
        "unknown_period_kind",
        QUESTIONNAIRE_FILE,
        "type: boolean\n        periods: [H1, Y]",
        "type: boolean\n        periods: [S1, Y]",
        "indicator tcc_01",
        "periods[0]",
        "unknown period kind 'S1'; schedule.yaml defines: Q1, H1, Q3, Y",
        "periods: [S1, Y]",
    ),
    Break(
        "unknown_period_kind_in_target",
        QUESTIONNAIRE_FILE,
        'target: {op: ">=", value: 100, periods: [Y]}',
        'target: {op: ">=", value: 100, periods: [N]}',
        "indicator cddh_01",
        "target.periods[0]",
        "unknown period kind 'N'",
        "periods: [N]",
    ),
    Break(
        "target_on_a_text",
        QUESTIONNAIRE_FILE,
        '        label: "Đề xuất, kiến nghị"\n',
        '        label: "Đề xuất, kiến nghị"\n        target: {op: ">=", value: 1}\n',
        "indicator txt_02",
        "target",
        "a target needs a number, but the type is text",
        'target: {op: ">=", value: 1}',
    ),
    # --- schedule.yaml -----------------------------------------------------------------
    Break(
        "window_end_after_deadline",
        SCHEDULE_FILE,
        "    deadline: {month: 3, day: 11}",
        "    deadline: {month: 3, day: 9}",
        "period Q1",
        "window_end",
        "the data window ends after the deadline (10/03/2023 > 09/03/2023 for 2023)",
        "window_end: {month: 3, day: 10}",
    ),
    Break(
        "window_starting_after_it_ends",
        SCHEDULE_FILE,
        "    window_start: {month: 6, day: 11}",
        "    window_start: {month: 9, day: 20}",
        "period Q3",
        "window_start",
        "the data window starts after it ends",
        "window_start: {month: 9, day: 20}",
    ),
    Break(
        "day_that_does_not_exist",
        SCHEDULE_FILE,
        "    deadline: {month: 6, day: 11}",
        "    deadline: {month: 6, day: 31}",
        "period H1",
        "deadline",
        "31/6 is not a day of the year",
        "deadline: {month: 6, day: 31}",
    ),
    Break(
        "month_out_of_range",
        SCHEDULE_FILE,
        "    deadline: {month: 9, day: 11}",
        "    deadline: {month: 13, day: 11}",
        "period Q3",
        "deadline.month",
        "must be less than or equal to 12 (got 13)",
        "deadline: {month: 13",
    ),
    Break(
        "duplicate_period_code",
        SCHEDULE_FILE,
        "  - code: Q3\n",
        "  - code: Q1\n",
        "period Q1",
        "code",
        "duplicate period code 'Q1' (also on line",
        "- code: Q1",
        nth=2,
    ),
    Break(
        "lowercase_period_code",
        SCHEDULE_FILE,
        "  - code: Q3\n",
        "  - code: q3\n",
        "period q3",
        "code",
        "'q3' must be 1 to 4 capital letters or digits starting with a letter",
        "- code: q3",
    ),
    Break(
        "duplicate_reminder_kind",
        SCHEDULE_FILE,
        "{kind: before_2,",
        "{kind: before_1,",
        "reminder before_1",
        "kind",
        "duplicate reminder kind 'before_1' (also on line",
        "{kind: before_1,",
        nth=2,
    ),
    Break(
        "office_hours_ending_before_they_start",
        SCHEDULE_FILE,
        '  start: "07:00"',
        '  start: "18:00"',
        "office_hours",
        "start",
        "office hours must start (18:00) before they end (17:00)",
        'start: "18:00"',
    ),
    Break(
        "time_without_leading_zero_in_quotes",
        SCHEDULE_FILE,
        '  start: "07:00"',
        '  start: "7:00"',
        "office_hours",
        "start",
        'must be a time written as "HH:MM"',
        'start: "7:00"',
    ),
    Break(
        "last_year_before_first",
        SCHEDULE_FILE,
        "  last: null",
        "  last: 2023",
        "years",
        "last",
        "last year 2023 is before first year 2024",
        "last: 2023",
    ),
    Break(
        "impossible_date",
        SCHEDULE_FILE,
        "{date: 2024-02-14,",
        "{date: 2024-02-30,",
        "file",
        "",
        "YAML error: day is out of range for month",
        "{date: 2024-02-30",
    ),
    Break(
        "date_in_vietnamese_order",
        SCHEDULE_FILE,
        "{date: 2024-02-14,",
        "{date: 14/02/2024,",
        "holidays",
        "extra[3].date",
        "must be a date written as YYYY-MM-DD",
        "{date: 14/02/2024",
    ),
    Break(
        "missing_periods",
        SCHEDULE_FILE,
        "periods:\n",
        "periodz:\n",
        "top level",
        "periods",
        "required field is missing",
        "years:",
    ),
]


@pytest.mark.parametrize("broken", BREAKS, ids=[b.name for b in BREAKS])
def test_broken_configuration_is_reported_precisely(config_dir: Path, broken: Break) -> None:
    text = edit(config_dir, broken.file, broken.old, broken.new)
    issues = check_configuration(config_dir)
    line = line_of(text, broken.at, broken.nth) if broken.at is not None else None
    matching = [
        issue
        for issue in issues
        if (issue.file, issue.entry, issue.field, issue.line)
        == (broken.file, broken.entry, broken.field, line)
    ]
    assert matching, "\n".join(str(issue) for issue in issues)
    assert any(broken.message in issue.message for issue in matching), matching


def test_break_table_is_large_enough() -> None:
    assert len(BREAKS) >= 20


def test_bundled_copy_is_clean(config_dir: Path) -> None:
    assert check_configuration(config_dir) == []


def test_every_issue_of_one_run_is_reported_in_file_and_line_order(config_dir: Path) -> None:
    edit(config_dir, UNITS_FILE, "  - code: xa_vien_an\n", "  - code: xa_tai_van\n")
    edit(config_dir, UNITS_FILE, '    name: "Phòng Y tế"\n', "")
    edit(config_dir, QUESTIONNAIRE_FILE, "{from: tthc_16}", "{from: tthc_50}")
    edit(config_dir, QUESTIONNAIRE_FILE, '- rule: "tcbm_02 <= tcbm_01"', '- rule: "tcbm_02 <= x_1"')
    edit(
        config_dir,
        QUESTIONNAIRE_FILE,
        "type: boolean\n        periods: [H1, Y]",
        "type: boolean\n        periods: [S1, Y]",
    )
    edit(config_dir, SCHEDULE_FILE, "  last: null", "  last: 2023")
    edit(config_dir, SCHEDULE_FILE, "{kind: before_2,", "{kind: before_1,")

    with pytest.raises(ConfigurationError) as info:
        load_configuration(config_dir)

    found = [(issue.file, issue.entry, issue.field) for issue in info.value.issues]
    assert found == [
        (UNITS_FILE, "unit p_y_te", "name"),
        (UNITS_FILE, "unit xa_tai_van", "code"),
        (QUESTIONNAIRE_FILE, "indicator tthc_06", "denominator.from"),
        (QUESTIONNAIRE_FILE, "indicator tcbm_02", "checks[0].rule"),
        (QUESTIONNAIRE_FILE, "indicator tcc_01", "periods[0]"),
        (SCHEDULE_FILE, "years", "last"),
        (SCHEDULE_FILE, "reminder before_1", "kind"),
    ]
    assert str(info.value).count("\n") == len(found) - 1


def test_issues_in_one_file_do_not_hide_meaning_checks_of_valid_entries(config_dir: Path) -> None:
    edit(config_dir, QUESTIONNAIRE_FILE, "        type: boolean\n        periods: [Y]\n", "")
    edit(config_dir, QUESTIONNAIRE_FILE, "{from: tthc_16}", "{from: tthc_50}")
    issues = check_configuration(config_dir)
    assert {(issue.entry, issue.field) for issue in issues} == {
        ("indicator cv_03", "type"),
        ("indicator tthc_06", "denominator.from"),
    }


def test_missing_file_is_an_issue(config_dir: Path) -> None:
    (config_dir / SCHEDULE_FILE).unlink()
    issues = check_configuration(config_dir)
    assert [(i.file, i.entry, i.field, i.line) for i in issues] == [
        (SCHEDULE_FILE, "file", "", None)
    ]
    assert "file not found" in issues[0].message


def test_missing_folder_reports_all_three_files(tmp_path: Path) -> None:
    issues = check_configuration(tmp_path / "nowhere")
    assert [issue.file for issue in issues] == [UNITS_FILE, QUESTIONNAIRE_FILE, SCHEDULE_FILE]


@pytest.mark.parametrize("content", ["", "   \n# chỉ có chú thích\n"])
def test_empty_file_is_an_issue(config_dir: Path, content: str) -> None:
    (config_dir / QUESTIONNAIRE_FILE).write_text(content, encoding="utf-8")
    issues = check_configuration(config_dir)
    assert [(i.file, i.entry, i.field, i.message) for i in issues] == [
        (QUESTIONNAIRE_FILE, "file", "", "file is empty")
    ]


def test_top_level_that_is_not_a_mapping_is_an_issue(config_dir: Path) -> None:
    (config_dir / UNITS_FILE).write_text("# danh sách\n- a\n- b\n", encoding="utf-8")
    issues = check_configuration(config_dir)
    assert [(i.file, i.entry, i.line) for i in issues] == [(UNITS_FILE, "file", 2)]
    assert "top level must be a mapping" in issues[0].message


def test_file_that_is_not_utf8_is_an_issue(config_dir: Path) -> None:
    (config_dir / UNITS_FILE).write_bytes(b"district: x\nunits:\n  - code: \xff\n")
    issues = check_configuration(config_dir)
    assert [(i.file, i.line) for i in issues] == [(UNITS_FILE, 3)]
    assert "UTF-8" in issues[0].message


def test_utf8_file_with_byte_order_mark_loads(config_dir: Path) -> None:
    path = config_dir / UNITS_FILE
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert check_configuration(config_dir) == []


def test_unquoted_times_are_read_as_times_not_base_60_numbers(config_dir: Path) -> None:
    edit(
        config_dir, SCHEDULE_FILE, '  start: "07:00"\n  end: "17:00"', "  start: 7:00\n  end: 17:00"
    )
    configuration = load_configuration(config_dir)
    assert configuration.schedule.office_hours.start == dt.time(7, 0)
    assert configuration.schedule.office_hours.end == dt.time(17, 0)


def test_load_configuration_returns_the_models(config_dir: Path) -> None:
    configuration = load_configuration(config_dir)
    assert configuration.directory == config_dir
    assert len(configuration.units.units) > 0
    assert configuration.schedule.period_rule("H1").cumulative


def test_issue_renders_file_line_entry_field_and_message() -> None:
    issue = ConfigIssue("units.yaml", "unit xa_tai_van", "kind", "unknown unit kind 'x'", 12)
    assert str(issue) == "units.yaml:12: unit xa_tai_van: kind: unknown unit kind 'x'"
    assert str(ConfigIssue("units.yaml", "file", "", "file is empty")) == (
        "units.yaml: file: file is empty"
    )
