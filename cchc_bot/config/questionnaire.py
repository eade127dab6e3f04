"""The `questionnaire.yaml` model: sections of indicators with types, limits and checks."""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from cchc_bot.config.base import UNIT_CODE_PATTERN, StrictModel
from cchc_bot.config.targets import Target as Target  # re-exported
from cchc_bot.config.targets import TargetSpec, resolve_target
from cchc_bot.config.units import UnitConfig

INDICATOR_ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class IndicatorType(StrEnum):
    """How an indicator is asked and stored."""

    INTEGER = "integer"
    DECIMAL = "decimal"
    PERCENT = "percent"
    RATIO = "ratio"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    TEXT = "text"


NUMERIC_TYPES = frozenset({IndicatorType.INTEGER, IndicatorType.DECIMAL, IndicatorType.PERCENT})


class AggregateRule(StrEnum):
    """How the district figure of an indicator is made from the units' figures."""

    SUM = "sum"
    RATIO = "ratio"
    MEAN = "mean"
    MIN = "min"
    MAX = "max"
    COUNT = "count"
    NONE = "none"


SCORE_UNIT = "điểm"
"""The unit of a score (PAR INDEX...): scores are never added up."""

_SPREAD_RULES = (AggregateRule.MEAN, AggregateRule.MIN, AggregateRule.MAX, AggregateRule.NONE)
_ANSWER_RULES = (AggregateRule.COUNT, AggregateRule.NONE)


def allowed_rules(kind: IndicatorType, *, score: bool) -> tuple[AggregateRule, ...]:
    """The aggregation rules that fit an indicator type (the first one is the default)."""
    match kind:
        case IndicatorType.INTEGER | IndicatorType.DECIMAL:
            if score:
                return (AggregateRule.NONE, *_SPREAD_RULES[:-1])
            return (AggregateRule.SUM, *_SPREAD_RULES)
        case IndicatorType.PERCENT:
            # A typed percentage has no denominator to weigh it by: its mean is the honest figure.
            return _SPREAD_RULES
        case IndicatorType.RATIO:
            return (AggregateRule.RATIO, AggregateRule.NONE)
        case IndicatorType.BOOLEAN | IndicatorType.CHOICE:
            return _ANSWER_RULES
        case _:
            return (AggregateRule.NONE, AggregateRule.COUNT)


def is_score_unit(unit: str | None) -> bool:
    """Whether a unit of measure is "điểm" (any case, spacing or Unicode form)."""
    if unit is None:
        return False
    return unicodedata.normalize("NFC", unit).strip().casefold() == SCORE_UNIT


class AppliesTo(StrictModel):
    """Which units an indicator or section applies to: kinds, flags, groups, unit codes.

    Every condition written must hold; `any_of` lists alternatives of which one must hold
    (the xã, or one office answering for UBND huyện).
    """

    kinds: list[Annotated[str, Field(pattern=UNIT_CODE_PATTERN, max_length=20)]] | None = None
    flags: dict[str, bool] = Field(default_factory=dict)
    groups: list[str] | None = None
    units: list[Annotated[str, Field(pattern=UNIT_CODE_PATTERN, max_length=40)]] | None = None
    any_of: list[AppliesTo] | None = Field(default=None, min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _accept_short_forms(cls, data: Any) -> Any:
        """Accept `[phong, xa]`, `{has_tthc: true}` and `{groups: [cap_xa]}` as written."""
        if isinstance(data, list):
            return {"kinds": data}
        named = {"kinds", "flags", "groups", "units", "any_of"}
        if isinstance(data, dict) and not set(data) <= named:
            flags = {key: value for key, value in data.items() if key not in named}
            result: dict[str, Any] = {"flags": flags}
            result.update({key: data[key] for key in named - {"flags"} if key in data})
            return result
        return data

    def matches(self, unit: UnitConfig) -> bool:
        """Tell whether this rule selects the unit."""
        if self.kinds is not None and unit.kind not in self.kinds:
            return False
        if self.groups is not None and unit.group_code not in self.groups:
            return False
        if self.units is not None and unit.code not in self.units:
            return False
        if self.any_of is not None and not any(option.matches(unit) for option in self.any_of):
            return False
        unit_flags = unit.flags()
        return all(unit_flags.get(name, False) == wanted for name, wanted in self.flags.items())


class RatioPart(StrictModel):
    """The numerator or denominator of a ratio: asked, or taken from another indicator."""

    label: str | None = None
    unit: str | None = None
    from_: str | None = Field(default=None, alias="from")
    max: float | None = None


class Check(StrictModel):
    """A cross-field rule such as `tthc_04.numerator + tthc_05 == tthc_03`."""

    rule: str = Field(min_length=1)
    level: Literal["error", "warning"]
    message: str = Field(min_length=1)


class Indicator(StrictModel):
    """One question of the report."""

    id: str = Field(pattern=INDICATOR_ID_PATTERN, max_length=40)
    label: str = Field(min_length=1)
    help: str | None = None
    unit: str | None = None
    type: IndicatorType
    min: float | None = None
    max: float | None = None
    decimals: int | None = Field(default=None, ge=0, le=6)
    required: bool = True
    applies_to: AppliesTo | None = None
    periods: list[str] | None = None
    target: TargetSpec | None = None
    cumulative: bool = False
    not_applicable: bool | None = None
    options: list[str] | None = None
    numerator: RatioPart | None = None
    denominator: RatioPart | None = None
    checks: list[Check] = Field(default_factory=list)
    # A ratio whose numerator may exceed its denominator because work carries over from
    # earlier periods (phản ánh handled, tồn tại fixed): "warning" asks to confirm and
    # explain; "error" (the default) refuses it as impossible.
    numerator_above_denominator: Literal["error", "warning"] = "error"
    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=1, le=4000)
    core: bool = False
    basis: str | None = None
    aggregate: AggregateRule | None = None
    counted_by: str | None = None

    @property
    def is_score(self) -> bool:
        """Whether the indicator is a score in điểm (never summed)."""
        return self.type in (IndicatorType.INTEGER, IndicatorType.DECIMAL) and is_score_unit(
            self.unit
        )

    @property
    def aggregate_rule(self) -> AggregateRule:
        """The rule in force: the one written, else the default of the type."""
        if self.aggregate is not None:
            return self.aggregate
        return allowed_rules(self.type, score=self.is_score)[0]

    @property
    def allows_not_applicable(self) -> bool:
        """Whether "Không phát sinh" is offered (by default only for ratios)."""
        if self.not_applicable is not None:
            return self.not_applicable
        return self.type is IndicatorType.RATIO

    @property
    def numerator_may_exceed(self) -> bool:
        """Whether a numerator above the denominator is a warning rather than an error."""
        return self.type is IndicatorType.RATIO and self.numerator_above_denominator == "warning"

    @property
    def denominator_source(self) -> str | None:
        """The indicator whose value is this ratio's denominator, if any."""
        return self.denominator.from_ if self.denominator is not None else None

    def applies(self, unit: UnitConfig, period_kind: str, section: Section) -> bool:
        """Tell whether this question is asked of the unit for a period kind."""
        if self.periods is not None and period_kind not in self.periods:
            return False
        if section.applies_to is not None and not section.applies_to.matches(unit):
            return False
        return self.applies_to is None or self.applies_to.matches(unit)

    def describe_target(self, target: Target) -> str:
        """A target of this indicator in words, in percent for ratios and percentages."""
        return target.describe(percent=self.type in (IndicatorType.RATIO, IndicatorType.PERCENT))

    def target_for(self, period_kind: str) -> Target | None:
        """The district's target for a period kind (no group or kind entry), if any."""
        return resolve_target(self.target, period_kind)


class Section(StrictModel):
    """A group of indicators, one of the 7 CCHC areas or the closing text questions."""

    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$", max_length=20)
    title: str = Field(min_length=1)
    applies_to: AppliesTo | None = None
    indicators: list[Indicator] = Field(min_length=1)


class Questionnaire(StrictModel):
    """The whole `questionnaire.yaml` file."""

    version: str = Field(min_length=1, max_length=40)
    title: str = "Báo cáo kết quả thực hiện công tác cải cách hành chính"
    sections: list[Section] = Field(min_length=1)

    def indicators(self) -> list[tuple[Section, Indicator]]:
        """Every indicator with its section, in questionnaire order."""
        return [(section, ind) for section in self.sections for ind in section.indicators]

    def by_id(self) -> dict[str, Indicator]:
        """Index the indicators by id."""
        return {ind.id: ind for _, ind in self.indicators()}

    def questions_for(self, unit: UnitConfig, period_kind: str) -> list[Indicator]:
        """The indicators asked of a unit for a period kind, in order."""
        return [ind for sec, ind in self.indicators() if ind.applies(unit, period_kind, sec)]
