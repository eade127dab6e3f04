"""Explanations taken in the conversation reach the export, each with the value it explains."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from cchc_bot.aggregation import ExportData, UnitReport
from cchc_bot.conversation import ButtonPress, final_answers, start
from cchc_bot.exports.sheets import explanation_rows
from cchc_bot.services.exports import figure_of
from cchc_bot.texts.workbook import EXPLANATION_KIND, WARNING_EXPLANATION_KIND

from .test_conversation_flow import CONTEXT, LATE_WHY, QUESTIONNAIRE, WHY, run
from .test_report_screens import q1

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def export_of(answers: Mapping[str, Mapping[str, Any]]) -> ExportData:
    figures = {ident: figure_of(data) for ident, data in answers.items()}
    report = UnitReport(
        code="xa_thu",
        name="Xã thử",
        kind="xa",
        state="submitted",
        figures=figures,
        applicable=frozenset(figures),
        submitted_at=dt.datetime(2024, 3, 8, 3, 0, tzinfo=dt.UTC),
        version=1,
    )
    return ExportData(
        period=q1(),
        questionnaire=QUESTIONNAIRE,
        units=[report],
        previous=None,
        reminders=[],
        generated_at=dt.datetime(2024, 3, 9, 3, 0, tzinfo=dt.UTC),
        tz=TZ,
    )


def test_both_kinds_of_explanation_reach_the_export_with_their_values() -> None:
    state = run(
        start(CONTEXT).state,
        "1.300", "1000", "800", LATE_WHY, "200", "10", "12", ButtonPress("confirm"), WHY,
    ).state  # fmt: skip
    frozen = {k: v.to_json() for k, v in final_answers(CONTEXT, state.answers).items()}
    rows = [[cell.value for cell in row] for row in explanation_rows(export_of(frozen))]
    by_indicator = {row[3]: row for row in rows}
    assert by_indicator["on_time"][5:] == [EXPLANATION_KIND, "800/1.000 (80 %)", "≥ 90 %", LATE_WHY]
    assert by_indicator["staff"][5] == WARNING_EXPLANATION_KIND
    assert by_indicator["staff"][8] == WHY


def test_an_edited_source_leaves_no_stale_explanation_in_the_export() -> None:
    state = run(start(CONTEXT).state, "1.300", "1000", "800", LATE_WHY, "200", "10", "9").state
    # 800/800 = 100 %: the target is met now, so the old giải trình of 80 % must be gone.
    edited = run(state, "sửa 2", "800").state
    frozen = {k: v.to_json() for k, v in final_answers(CONTEXT, edited.answers).items()}
    rows = list(explanation_rows(export_of(frozen)))
    assert rows == []
