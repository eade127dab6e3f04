"""Configuration models of the three YAML files and their loader."""

from cchc_bot.config.base import UnitKind
from cchc_bot.config.questionnaire import Indicator, IndicatorType, Questionnaire, Section
from cchc_bot.config.schedule import PeriodRule, Schedule
from cchc_bot.config.units import UnitConfig, UnitsFile

__all__ = [
    "Indicator",
    "IndicatorType",
    "PeriodRule",
    "Questionnaire",
    "Schedule",
    "Section",
    "UnitConfig",
    "UnitKind",
    "UnitsFile",
]
