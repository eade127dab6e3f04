"""Cross-checks of `questionnaire.yaml`: ids, ratio parts, targets, rules, choices, limits."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from cchc_bot.config.base import DEFAULT_KINDS, KindConfig, UnitKind
from cchc_bot.config.checks_targets import check_target
from cchc_bot.config.checks_units import unknown_group, unknown_kind
from cchc_bot.config.documents import Document, report_duplicates, validate_or_none
from cchc_bot.config.issues import SCHEDULE_FILE, Loc
from cchc_bot.config.questionnaire import (
    NUMERIC_TYPES,
    SCORE_UNIT,
    AppliesTo,
    Indicator,
    IndicatorType,
    Section,
    allowed_rules,
)
from cchc_bot.config.units import GroupConfig, UnitConfig
from cchc_bot.rules import RuleSyntaxError, parse_rule

_ALLOWED_FLAGS: tuple[str, ...] = tuple(UnitConfig(code="x", name="x", kind=UnitKind.XA).flags())
_TYPO_CUTOFF = 0.9
"""How alike an unknown unit code and a known one must be to be reported as a typo."""
_RULE_TYPES_NOT_NUMERIC = frozenset({IndicatorType.TEXT, IndicatorType.CHOICE})


@dataclass(frozen=True)
class _Placed:
    """A validated indicator with its path, questionnaire position and section rule."""

    loc: Loc
    position: int
    indicator: Indicator
    section: Section


class QuestionnaireChecker:
    """The cross-field and cross-file checks of `questionnaire.yaml`."""

    def __init__(
        self,
        document: Document,
        period_kinds: list[str] | None,
        units: list[UnitConfig] | None,
        groups: list[GroupConfig] | None = None,
        kinds: list[KindConfig] | None = None,
    ) -> None:
        self.document = document
        self.period_kinds = period_kinds
        self.units = units
        self.groups = groups
        self.kinds = kinds
        self.ids_in_file: dict[str, int] = {}
        self.placed: dict[str, _Placed] = {}
        self.unknown_flags = False  # then who is asked what is unknown: skip those checks

    def run(self) -> None:
        """Report every semantic problem of the file."""
        document = self.document
        report_duplicates(document, ("sections",), "code", "section code")
        self._collect()
        for index, _ in enumerate(document.raw_list(("sections",))):
            applies = self._section_applies_to(index)
            if applies is not None:
                self._check_applies_to(("sections", index, "applies_to"), applies)
        for placed in self._all_placed():
            if placed.indicator.applies_to is not None:
                self._check_applies_to((*placed.loc, "applies_to"), placed.indicator.applies_to)
        for placed in self._all_placed():
            self._check_indicator(placed)

    def _collect(self) -> None:
        """Index every indicator id (reporting duplicates) and validate indicators one by one."""
        position = 0
        first_line: dict[str, int] = {}
        for s_index, raw_section in enumerate(self.document.raw_list(("sections",))):
            section = self._section_model(s_index, raw_section)
            indicators_loc: Loc = ("sections", s_index, "indicators")
            for i_index, raw in enumerate(self.document.raw_list(indicators_loc)):
                loc = (*indicators_loc, i_index)
                position += 1
                ident = raw.get("id") if isinstance(raw, dict) else None
                if isinstance(ident, str):
                    if ident in first_line:
                        self.document.report(
                            (*loc, "id"),
                            f"duplicate indicator id '{ident}' (also on line {first_line[ident]})",
                        )
                        continue
                    first_line[ident] = self.document.line_of((*loc, "id"))
                    self.ids_in_file[ident] = position
                indicator = validate_or_none(Indicator, raw)
                if indicator is not None:
                    self.placed[indicator.id] = _Placed(loc, position, indicator, section)

    def _section_applies_to(self, index: int) -> AppliesTo | None:
        raw = self.document.raw(("sections", index, "applies_to"))
        return None if raw is None else validate_or_none(AppliesTo, raw)

    def _section_model(self, index: int, raw: Any) -> Section:
        code = raw.get("code") if isinstance(raw, dict) else None
        return Section.model_construct(
            code=code if isinstance(code, str) else f"sections[{index}]",
            title="",
            applies_to=self._section_applies_to(index),
            indicators=[],
        )

    def _all_placed(self) -> list[_Placed]:
        return sorted(self.placed.values(), key=lambda placed: placed.position)

    def _check_indicator(self, placed: _Placed) -> None:
        ind, loc = placed.indicator, placed.loc
        report = self.document.report
        self._check_period_list((*loc, "periods"), ind.periods)
        if ind.periods == []:
            report((*loc, "periods"), "must name at least one period kind (or be left out)")
        self._check_target(placed)
        self._check_ratio(placed)
        if ind.numerator_above_denominator != "error" and ind.type is not IndicatorType.RATIO:
            report(
                (*loc, "numerator_above_denominator"),
                f"only a ratio has a numerator and a denominator, but the type is {ind.type}",
            )
        self._check_choice(loc, ind)
        self._check_limits(loc, ind)
        self._check_aggregate(loc, ind)
        self._check_counted_by(placed)
        for index, check in enumerate(ind.checks):
            self._check_rule((*loc, "checks", index, "rule"), check.rule)

    def _check_applies_to(self, loc: Loc, applies: AppliesTo) -> None:
        # The four default kinds are always known, so one questionnaire serves every shape of
        # deployment; a default kind that units.yaml does not use simply selects no unit.
        for index, code in enumerate(applies.kinds or ()):
            known = {kind.code for kind in (*DEFAULT_KINDS, *(self.kinds or ()))}
            if self.kinds is not None and code not in known:
                self.unknown_flags = True
                allowed = [*self.kinds, *DEFAULT_KINDS]
                self.document.report((*loc, "kinds", index), unknown_kind(code, allowed))
        for index, code in enumerate(applies.groups or ()):
            if self.groups is not None and code not in {group.code for group in self.groups}:
                self.unknown_flags = True
                self.document.report((*loc, "groups", index), unknown_group(code, self.groups))
        for name in applies.flags:
            if name not in _ALLOWED_FLAGS:
                self.unknown_flags = True
                self.document.report(
                    (*loc, "flags", name),
                    f"unknown flag '{name}'; allowed flags: {', '.join(_ALLOWED_FLAGS)}",
                )
        # Like a default kind, a unit code units.yaml lacks simply selects no unit, so the
        # bundled questionnaire serves another deployment; only a near miss is a typo.
        known_units = sorted(unit.code for unit in self.units or ())
        for index, code in enumerate(applies.units or ()):
            close = difflib.get_close_matches(code, known_units, n=1, cutoff=_TYPO_CUTOFF)
            if code not in known_units and close:
                self.unknown_flags = True
                self.document.report(
                    (*loc, "units", index),
                    f"unknown unit '{code}' (not in units.yaml); did you mean '{close[0]}'?",
                )
        for index, option in enumerate(applies.any_of or ()):
            self._check_applies_to((*loc, "any_of", index), option)

    def _check_period_list(self, loc: Loc, periods: list[str] | None) -> None:
        if periods is None or self.period_kinds is None:
            return
        for index, kind in enumerate(periods):
            if kind not in self.period_kinds:
                defined = ", ".join(self.period_kinds) or "none"
                self.document.report(
                    (*loc, index),
                    f"unknown period kind '{kind}'; {SCHEDULE_FILE} defines: {defined}",
                )

    def _check_target(self, placed: _Placed) -> None:
        check_target(
            self.document,
            placed.loc,
            placed.indicator,
            self.period_kinds,
            self.groups,
            self.kinds,
        )

    def _check_ratio(self, placed: _Placed) -> None:
        ind, loc = placed.indicator, placed.loc
        parts = {"numerator": ind.numerator, "denominator": ind.denominator}
        if ind.type is not IndicatorType.RATIO:
            for name, part in parts.items():
                if part is not None:
                    self.document.report(
                        (*loc, name), f"only a ratio has a {name}, but the type is {ind.type}"
                    )
            return
        for name, part in parts.items():
            part_loc = (*loc, name)
            if part is None:
                self.document.report(
                    part_loc, f"a ratio needs a {name}: {{label: ..., unit: ...}} or {{from: id}}"
                )
            elif part.label is not None and part.from_ is not None:
                self.document.report(part_loc, "give either label or from, not both")
            elif part.label is None and part.from_ is None:
                self.document.report(
                    part_loc, "needs a label (asked) or from (taken from another indicator)"
                )
            elif part.from_ is not None:
                self._check_source(placed, (*part_loc, "from"), part.from_)

    def _check_source(self, placed: _Placed, loc: Loc, source_id: str) -> None:
        """Check a ratio part's `from`: an earlier integer indicator asked wherever the ratio is."""
        report = self.document.report
        if source_id == placed.indicator.id:
            report(loc, "a ratio cannot take its own value")
            return
        if source_id not in self.ids_in_file:
            report(loc, self._unknown_indicator(source_id))
            return
        source = self.placed.get(source_id)
        if source is None:
            return  # the source itself is broken and reported
        if source.indicator.type is not IndicatorType.INTEGER:
            report(
                loc,
                f"'{source_id}' is a {source.indicator.type} indicator; "
                "from must name an integer indicator",
            )
            return
        if source.position > placed.position:
            report(loc, f"'{source_id}' must come before this indicator (it is asked first)")
            return
        if self.units is None or self.period_kinds is None or self.unknown_flags:
            return
        for unit in self.units:
            for kind in self.period_kinds:
                if placed.indicator.applies(unit, kind, placed.section) and not (
                    source.indicator.applies(unit, kind, source.section)
                ):
                    report(
                        loc,
                        f"'{source_id}' is not asked of unit {unit.code} in period {kind}, "
                        "but this ratio is",
                    )
                    return

    def _check_choice(self, loc: Loc, ind: Indicator) -> None:
        if ind.type is not IndicatorType.CHOICE:
            if ind.options is not None:
                self.document.report(
                    (*loc, "options"), f"only a choice has options, but the type is {ind.type}"
                )
            return
        if ind.options is None or len(ind.options) < 2:
            self.document.report((*loc, "options"), "a choice needs at least 2 options")
            return
        seen: set[str] = set()
        for index, option in enumerate(ind.options):
            key = option.strip().casefold()
            if key in seen:
                self.document.report((*loc, "options", index), f"duplicate option '{option}'")
            seen.add(key)

    def _check_limits(self, loc: Loc, ind: Indicator) -> None:
        report = self.document.report
        numeric = ind.type in NUMERIC_TYPES or ind.type is IndicatorType.RATIO
        for name, limit in (("min", ind.min), ("max", ind.max)):
            if limit is not None and not numeric:
                report((*loc, name), f"{name} applies to numbers only, but the type is {ind.type}")
        if ind.min is not None and ind.max is not None and ind.min > ind.max:
            report((*loc, "min"), f"min ({ind.min:g}) is greater than max ({ind.max:g})")
        for name, length in (("min_length", ind.min_length), ("max_length", ind.max_length)):
            if length is not None and ind.type is not IndicatorType.TEXT:
                report((*loc, name), f"{name} applies to text only, but the type is {ind.type}")
        if (
            ind.min_length is not None
            and ind.max_length is not None
            and ind.min_length > ind.max_length
        ):
            report(
                (*loc, "min_length"),
                f"min_length ({ind.min_length}) is greater than max_length ({ind.max_length})",
            )

    def _check_aggregate(self, loc: Loc, ind: Indicator) -> None:
        """Reject a rule that does not fit the type, e.g. a sum of scores or a ratio of counts."""
        if ind.aggregate is None:
            return
        allowed = allowed_rules(ind.type, score=ind.is_score)
        if ind.aggregate in allowed:
            return
        what = f"a score in {SCORE_UNIT}" if ind.is_score else f"the type {ind.type}"
        self.document.report(
            (*loc, "aggregate"),
            f"'{ind.aggregate}' does not fit {what}; allowed: {', '.join(allowed)}",
        )

    def _check_counted_by(self, placed: _Placed) -> None:
        """Check `counted_by` names a group in the total whose units are asked the indicator."""
        ind, loc = placed.indicator, (*placed.loc, "counted_by")
        if ind.counted_by is None or self.groups is None:
            return
        group = next((g for g in self.groups if g.code == ind.counted_by), None)
        if group is None:
            self.document.report(loc, unknown_group(ind.counted_by, self.groups))
            return
        if not group.in_total:
            self.document.report(
                loc,
                f"group '{group.code}' is left out of the total (in_total: false), "
                "so its figures cannot be the ones counted",
            )
            return
        if self.units is None or self.period_kinds is None or self.unknown_flags:
            return
        asked = any(
            unit.group_code == group.code and ind.applies(unit, kind, placed.section)
            for unit in self.units
            for kind in self.period_kinds
        )
        if not asked:
            self.document.report(
                loc, f"no unit of group '{group.code}' is asked this indicator (see applies_to)"
            )

    def _check_rule(self, loc: Loc, text: str) -> None:
        report = self.document.report
        try:
            rule = parse_rule(text)
        except RuleSyntaxError as exc:
            report(loc, f"cannot read the rule: {exc}")
            return
        for ref in sorted(rule.references):
            if ref.indicator_id not in self.ids_in_file:
                report(loc, self._unknown_indicator(ref.indicator_id))
                continue
            source = self.placed.get(ref.indicator_id)
            if source is None:
                continue
            kind = source.indicator.type
            if ref.part != "value" and kind is not IndicatorType.RATIO:
                report(loc, f"'{ref.indicator_id}' is not a ratio, so it has no .{ref.part}")
            elif kind in _RULE_TYPES_NOT_NUMERIC:
                report(loc, f"'{ref.indicator_id}' is a {kind} indicator, not a number")

    def _unknown_indicator(self, ident: str) -> str:
        message = f"unknown indicator '{ident}'"
        close = difflib.get_close_matches(ident, list(self.ids_in_file), n=1)
        return f"{message}; did you mean '{close[0]}'?" if close else message
