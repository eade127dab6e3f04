"""Cross-checks of an indicator's `target`: its keys, periods, value or plan, and its type."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from cchc_bot.config.base import DEFAULT_KINDS, KindConfig
from cchc_bot.config.documents import Document
from cchc_bot.config.issues import SCHEDULE_FILE, UNITS_FILE, Loc
from cchc_bot.config.questionnaire import NUMERIC_TYPES, Indicator, IndicatorType
from cchc_bot.config.targets import DEFAULT_KEY, Target, TargetTable, rules_of
from cchc_bot.config.units import DEFAULT_GROUPS, GroupConfig

_PLANNED_TYPES = frozenset({IndicatorType.INTEGER, IndicatorType.DECIMAL})


def check_target(
    document: Document,
    loc: Loc,
    indicator: Indicator,
    period_kinds: Sequence[str] | None,
    groups: Sequence[GroupConfig] | None,
    kinds: Sequence[KindConfig] | None,
) -> None:
    """Report every problem of one indicator's target (the loc is the indicator's)."""
    spec = indicator.target
    if spec is None:
        return
    target_loc: Loc = (*loc, "target")
    if indicator.type not in NUMERIC_TYPES and indicator.type is not IndicatorType.RATIO:
        document.report(target_loc, f"a target needs a number, but the type is {indicator.type}")
        return
    if isinstance(spec, TargetTable):
        _check_keys(document, target_loc, spec, period_kinds, groups, kinds)
    for key, rule in rules_of(spec):
        rule_loc = target_loc if key is None else (*target_loc, key)
        _check_rule(document, rule_loc, indicator, rule, period_kinds)
        if (
            key is not None
            and key in (period_kinds or ())
            and rule.periods is not None
            and key not in rule.periods
        ):
            document.report(
                (*rule_loc, "periods"),
                f"the entry for period {key} leaves out {key} itself, so it never applies",
            )


def _check_keys(
    document: Document,
    loc: Loc,
    table: TargetTable,
    period_kinds: Sequence[str] | None,
    groups: Sequence[GroupConfig] | None,
    kinds: Sequence[KindConfig] | None,
) -> None:
    """Each key is `default`, a period kind, a group or a unit kind."""
    if not table.root:
        document.report(loc, 'needs at least one entry, e.g. default: {op: ">=", value: 100}')
        return
    group_codes = [group.code for group in (groups if groups is not None else DEFAULT_GROUPS)]
    kind_codes = [kind.code for kind in (kinds if kinds is not None else DEFAULT_KINDS)]
    known = [DEFAULT_KEY, *(period_kinds or ()), *group_codes, *kind_codes]
    for key in table.root:
        if key in known or (period_kinds is None and key.isupper()):
            continue
        message = (
            f"unknown key '{key}'; a target table takes {DEFAULT_KEY}, a period kind of "
            f"{SCHEDULE_FILE} ({', '.join(period_kinds or ()) or 'none'}), a group "
            f"({', '.join(group_codes)}) or a unit kind ({', '.join(kind_codes)}) of {UNITS_FILE}"
        )
        close = difflib.get_close_matches(key, known, n=1)
        if close:
            message = f"unknown key '{key}'; did you mean '{close[0]}'?"
        document.report((*loc, key), message)


def _check_rule(
    document: Document,
    loc: Loc,
    indicator: Indicator,
    rule: Target,
    period_kinds: Sequence[str] | None,
) -> None:
    """A rule's periods are known and asked, and a plan is a planned count."""
    if rule.plan is not None and indicator.type not in _PLANNED_TYPES:
        document.report(
            (*loc, "plan"),
            f"a plan is a planned number of things; for the type {indicator.type} "
            "give value (in %) instead",
        )
    if rule.plan is not None and rule.plan <= 0:
        document.report((*loc, "plan"), f"a plan must be greater than 0 (got {rule.plan:g})")
    for index, kind in enumerate(rule.periods or ()):
        if period_kinds is not None and kind not in period_kinds:
            defined = ", ".join(period_kinds) or "none"
            document.report(
                (*loc, "periods", index),
                f"unknown period kind '{kind}'; {SCHEDULE_FILE} defines: {defined}",
            )
        elif indicator.periods is not None and kind not in indicator.periods:
            document.report(
                (*loc, "periods", index),
                f"the indicator is not asked in period {kind} (see periods)",
            )
