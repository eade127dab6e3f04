"""An indicator's `target`: one rule, or a table of rules by period, group and unit kind."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Discriminator, RootModel, Tag, model_validator

from cchc_bot.config.base import StrictModel

DEFAULT_KEY = "default"
RULE_TAG = "target rule"
TABLE_TAG = "target table"
TAGS = frozenset({RULE_TAG, TABLE_TAG})
"""Steps pydantic adds to an error's path to say which form it tried (not YAML keys)."""

_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}


class Target(StrictModel):
    """A goal such as "≥ 100 %" (`value`) or a planned figure such as "≥ 60" (`plan`)."""

    op: Literal[">=", ">", "<=", "<", "=="]
    value: float | None = None
    plan: float | None = None
    periods: list[str] | None = None

    @model_validator(mode="after")
    def _value_or_plan(self) -> Target:
        """Exactly one of `value` (a level to reach) and `plan` (a planned figure)."""
        if (self.value is None) == (self.plan is None):
            raise ValueError(
                "give either value (a level to reach) or plan (a planned figure), not "
                + ("both" if self.value is not None else "neither")
            )
        return self

    @property
    def threshold(self) -> float:
        """The figure compared with: the value, or the plan."""
        return self.value if self.value is not None else float(self.plan or 0)

    def is_met(self, value: float) -> bool:
        """Tell whether a value meets the target."""
        goal = self.threshold
        match self.op:
            case ">=":
                return value >= goal
            case ">":
                return value > goal
            case "<=":
                return value <= goal
            case "<":
                return value < goal
            case _:
                return value == goal

    def describe(self, *, percent: bool = False) -> str:
        """Render the target as shown to users, e.g. "≥ 100 %" (with `percent`) or "≤ 5"."""
        value = f"{self.threshold:g}".replace(".", ",")
        return f"{_SYMBOLS[self.op]} {value} %" if percent else f"{_SYMBOLS[self.op]} {value}"

    def share_of_plan(self, value: Decimal) -> Decimal | None:
        """The figure as a percentage of the plan (45 of 60 -> 75); None without a plan > 0."""
        if self.plan is None or self.plan <= 0:
            return None
        return value * 100 / Decimal(str(self.plan))


class TargetTable(RootModel[dict[str, Target | None]]):
    """Rules by key: `default`, a period kind (Q1), a group (cap_xa) or a unit kind (xa)."""

    model_config = {"frozen": True}


def _form(raw: Any) -> str:
    """Which form a raw target is written in: a rule has an `op`, a table does not."""
    if isinstance(raw, Target):
        return RULE_TAG
    if isinstance(raw, TargetTable):
        return TABLE_TAG
    return RULE_TAG if isinstance(raw, dict) and "op" in raw else TABLE_TAG


TargetSpec = Annotated[
    Annotated[Target, Tag(RULE_TAG)] | Annotated[TargetTable, Tag(TABLE_TAG)],
    Discriminator(_form),
]
"""What `target:` holds: a single rule (the old form) or a table of rules."""


def resolve_target(
    spec: Target | TargetTable | None,
    period_kind: str,
    group: str | None = None,
    kind: str | None = None,
) -> Target | None:
    """The rule in force for a period kind and (optionally) a unit's group and kind.

    The most specific entry that applies wins: group, then unit kind, then period kind,
    then `default`. An entry written `null` means "no target" there. A rule whose own
    `periods` leave out the period is passed over for the next one. A `plan` written for
    everyone (the single form, a period or `default`) is the district's planned figure:
    a unit is not held to it, only to a plan of its own group or kind.
    """
    if spec is None:
        return None
    for_unit = group is not None or kind is not None
    if isinstance(spec, Target):
        district_plan = for_unit and spec.plan is not None
        return spec if _applies(spec, period_kind) and not district_plan else None
    table = spec.root
    for key in (group, kind, period_kind, DEFAULT_KEY):
        if key is None or key not in table:
            continue
        rule = table[key]
        if rule is None:
            return None
        if for_unit and rule.plan is not None and key in (period_kind, DEFAULT_KEY):
            continue  # the district's plan, not each unit's
        if _applies(rule, period_kind):
            return rule
    return None


def rules_of(spec: Target | TargetTable | None) -> list[tuple[str | None, Target]]:
    """Every rule of a target with its table key (None for the single form)."""
    if spec is None:
        return []
    if isinstance(spec, Target):
        return [(None, spec)]
    return [(key, rule) for key, rule in spec.root.items() if rule is not None]


def yaml_path(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """A pydantic error path without the form tags, so it names the YAML keys."""
    return tuple(step for step in loc if step not in TAGS)


def _applies(rule: Target, period_kind: str) -> bool:
    return rule.periods is None or period_kind in rule.periods
