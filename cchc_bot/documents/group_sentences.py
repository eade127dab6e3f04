"""The area sentences by group: where a rate differs between groups, each group's figure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from cchc_bot.aggregation import GroupedTotal
from cchc_bot.config.targets import resolve_target
from cchc_bot.documents.outline import PLACEHOLDER, PLACEHOLDER_NAME
from cchc_bot.documents.sentences import PERCENT_TYPES, figure_text
from cchc_bot.texts import group_sentences as words

SHOWN_PLACES = Decimal("0.01")


def named_indicators(templates: Iterable[str]) -> list[str]:
    """The indicator ids the templates name, in order of first mention."""
    found: list[str] = []
    for template in templates:
        for match in PLACEHOLDER.finditer(template):
            parsed = PLACEHOLDER_NAME.match(match.group(1).strip())
            if parsed is not None and parsed.group(1) not in found:
                found.append(parsed.group(1))
    return found


def mid_sentence(label: str) -> str:
    """A label as said mid-sentence: "Tỷ lệ hồ sơ" -> "tỷ lệ hồ sơ"; "UBND xã" stays."""
    if len(label) > 1 and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def group_name(label: str) -> str:
    """A group's label as said mid-sentence: "Cấp xã (xã, thị trấn)" -> "cấp xã"."""
    return mid_sentence(label.split(" (", 1)[0].strip())


def group_sentence(grouped: GroupedTotal, period_kind: str) -> str | None:
    """Each group's rate, misses of the group's target marked; None when the groups agree."""
    indicator = grouped.indicator
    if indicator.type not in PERCENT_TYPES:
        return None
    shown = [
        part
        for part in grouped.groups
        if part.tally.value is not None and not part.tally.not_arisen
    ]
    values = {
        part.tally.value.quantize(SHOWN_PLACES) for part in shown if part.tally.value is not None
    }
    if len(shown) < 2 or len(values) < 2:
        return None
    parts = []
    for part in shown:
        value = part.tally.value
        assert value is not None
        text = words.GROUP_FIGURE.format(
            group=group_name(part.label), figure=figure_text(indicator, value)
        )
        target = resolve_target(indicator.target, period_kind, group=part.code)
        if target is not None and not target.is_met(float(value)):
            text += words.GROUP_MISSED.format(target=indicator.describe_target(target))
        parts.append(text)
    return words.BY_GROUP.format(label=mid_sentence(indicator.label), parts=", ".join(parts))


def group_sentences(
    grouped: Sequence[GroupedTotal], templates: Iterable[str], period_kind: str
) -> list[str]:
    """The by-group sentences of the rates a part's sentences name."""
    by_id = {line.indicator.id: line for line in grouped}
    sentences = []
    for indicator_id in named_indicators(templates):
        line = by_id.get(indicator_id)
        sentence = group_sentence(line, period_kind) if line is not None else None
        if sentence is not None:
            sentences.append(sentence)
    return sentences
