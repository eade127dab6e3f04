"""The bundled schedule for calendar and reminder tests, whole or with sections replaced."""

from __future__ import annotations

import functools
from typing import Any

import yaml

from cchc_bot.config.schedule import Schedule
from cchc_bot.ops.settings import bundled_config_dir


def raw_schedule() -> dict[str, Any]:
    """A fresh copy of the bundled `schedule.yaml` as plain data."""
    raw = yaml.safe_load((bundled_config_dir() / "schedule.yaml").read_text(encoding="utf-8"))
    assert isinstance(raw, dict)
    return raw


@functools.cache
def bundled_schedule() -> Schedule:
    """The bundled schedule, validated by the schedule model."""
    return Schedule.model_validate(raw_schedule())


def schedule_with(**overrides: Any) -> Schedule:
    """The bundled schedule with some top-level sections replaced."""
    return Schedule.model_validate({**raw_schedule(), **overrides})
