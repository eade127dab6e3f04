"""The bundled one-stop block totalled against a hand-filled fixture (tests/unit/fixtures/)."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from cchc_bot.aggregation import (
    NOT_ARISEN,
    ExportData,
    Figure,
    GroupedTotal,
    UnitReport,
    aggregate_by_group,
)
from cchc_bot.config.loading import Configuration, load_configuration
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.period_calendar import period_by_code

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FIXTURE = yaml.safe_load(
    (Path(__file__).parent / "fixtures" / "one_stop_2024_q1.yaml").read_text(encoding="utf-8")
)
GROUP_ORDER = ("cap_huyen", "nganh_doc", "cap_xa")


@functools.cache
def config() -> Configuration:
    return load_configuration(bundled_config_dir())


def figure(raw: Any) -> Figure:
    if raw == "kps":
        return NOT_ARISEN
    if isinstance(raw, list):
        return Figure.ratio(raw[0], raw[1])
    return Figure.number(raw)


@functools.cache
def lines() -> dict[str, GroupedTotal]:
    """The fixture's units as submitted reports, totalled by group on the bundled config."""
    units = config().units.by_code()
    reports = [
        UnitReport(
            code=code,
            name=units[code].name,
            kind=units[code].kind,
            state="submitted",
            figures={ident: figure(raw) for ident, raw in figures.items()},
            applicable=frozenset(
                ind.id for ind in config().questionnaire.questions_for(units[code], "Q1")
            ),
            group=units[code].group_code,
        )
        for code, figures in FIXTURE["units"].items()
    ]
    data = ExportData(
        period=period_by_code(config().schedule, "2024-Q1", TZ),
        questionnaire=config().questionnaire,
        units=reports,
        previous=None,
        reminders=(),
        generated_at=dt.datetime(2024, 3, 12, 9, 0, tzinfo=TZ),
        tz=TZ,
        groups=config().units.unit_groups(),
    )
    return {line.indicator.id: line for line in aggregate_by_group(data)}


@pytest.mark.parametrize(("ident", "expected"), FIXTURE["sums"].items())
def test_one_stop_counts_add_up_by_group_and_in_total(ident: str, expected: list[int]) -> None:
    line = lines()[ident]
    by_group = {group.code: group.tally.value for group in line.groups}
    assert [by_group[code] for code in GROUP_ORDER] == [Decimal(v) for v in expected[:3]]
    assert line.total.value == Decimal(expected[3])
    assert line.covers == ("cap_huyen", "cap_xa")


@pytest.mark.parametrize(("ident", "expected"), FIXTURE["ratios"].items())
def test_one_stop_ratios_are_ratios_of_the_covered_sums(ident: str, expected: list[int]) -> None:
    total = lines()[ident].total
    assert (total.numerator, total.denominator) == (Decimal(expected[0]), Decimal(expected[1]))


@pytest.mark.parametrize(("ident", "expected"), FIXTURE["means"].items())
def test_online_service_counts_are_a_mean_with_their_spread(
    ident: str, expected: list[int]
) -> None:
    total = lines()[ident].total
    assert (total.mean, total.minimum, total.maximum) == tuple(Decimal(v) for v in expected)
    assert total.reported == 3  # asked of UBND huyện's one-stop office and of each xã only


def test_the_fixture_itself_balances_the_one_stop_flow() -> None:
    sums = {ident: values[3] for ident, values in FIXTURE["sums"].items()}
    on_time = FIXTURE["ratios"]["tthc_04"][0]
    assert sums["tthc_11"] + sums["tthc_02"] == sums["tthc_03"] + sums["tthc_17"]
    assert sums["tthc_12"] + sums["tthc_13"] + sums["tthc_14"] == sums["tthc_02"]
    assert on_time + sums["tthc_05"] == sums["tthc_03"]
    assert sums["tthc_16"] == sums["tthc_05"] + sums["tthc_18"]
