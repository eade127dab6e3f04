"""The chat resolves a unit's target through cchc_bot.targets, as the export does."""

from __future__ import annotations

import datetime as dt

from cchc_bot.config.base import UnitKind
from cchc_bot.config.questionnaire import Questionnaire
from cchc_bot.config.units import UnitConfig
from cchc_bot.conversation import (
    ConversationContext,
    QuestionView,
    Step,
    TextInput,
    build_context,
    start,
    step,
)

QUESTIONNAIRE = Questionnaire.model_validate(
    {
        "version": "t",
        "sections": [
            {
                "code": "A",
                "title": "1. Thủ tục hành chính",
                "indicators": [
                    {
                        "id": "ontime",
                        "label": "Tỷ lệ hồ sơ giải quyết đúng hạn",
                        "type": "ratio",
                        "numerator": {"label": "Số hồ sơ đúng hạn"},
                        "denominator": {"label": "Số hồ sơ đã giải quyết"},
                        "target": {
                            "default": {"op": ">=", "value": 100},
                            "cap_xa": {"op": ">=", "value": 80},
                        },
                    },
                    {"id": "note", "label": "Kiến nghị", "type": "text", "required": False},
                ],
            }
        ],
    }
)


def context(kind: UnitKind) -> ConversationContext:
    """Quý I for a unit of a kind (its group follows from the kind)."""
    unit = UnitConfig(code="u", name="Đơn vị", kind=kind)
    return build_context(
        QUESTIONNAIRE,
        unit,
        "Q1",
        cumulative=False,
        window_start=dt.date(2023, 12, 11),
        window_end=dt.date(2024, 3, 10),
    )


def test_a_xa_is_held_to_its_groups_target_and_a_phong_to_the_default() -> None:
    for kind, shown, asks in ((UnitKind.XA, "≥ 80 %", False), (UnitKind.PHONG, "≥ 100 %", True)):
        ctx = context(kind)
        first = start(ctx)
        assert isinstance(first.view, QuestionView)
        assert first.view.target == shown
        after = step(ctx, first.state, TextInput("17/20"))  # 85 %
        assert isinstance(after.view, QuestionView)
        assert (after.view.step is Step.EXPLANATION) is asks
