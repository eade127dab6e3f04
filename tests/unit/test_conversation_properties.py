"""Random conversations on the bundled questionnaire: no crash, JSON-safe state, valid submits."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import event as record_event
from hypothesis import strategies as st

from cchc_bot.answers import Answer
from cchc_bot.config.loading import Configuration, load_configuration
from cchc_bot.config.questionnaire import IndicatorType
from cchc_bot.conversation import (
    DONE,
    AnswerChange,
    ButtonPress,
    ConversationContext,
    DraftState,
    Event,
    Outcome,
    QuestionView,
    Step,
    SubmitReady,
    SummaryView,
    TextInput,
    build_context,
    start,
    step,
)
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.rules import Reference, parse_rule

UNIT_CODES = ("vp_hdnd_ubnd", "thanh_tra", "tt_vhtt", "ca_huyen", "bchqs", "tt_tran_de")
PERIOD_KINDS = ("Q1", "H1", "Q3", "Y")
JUNK = ("", "   ", "😀", "👍🏻🎉", "\u200b", "x" * 5000, "-" * 70)
COMMANDS = (
    "quay lại", "quay lai", "back", "bỏ qua", "không phát sinh", "tiếp", "giữ nguyên",
    "xem lại", "gửi", "sửa", "sửa 3", "sửa 99", "đúng", "sai", "có", "không", "1", "2", "3",
    "tiếp tục", "xác nhận",
)  # fmt: skip
EXPLANATIONS = ("Do thiếu nhân lực trong kỳ báo cáo", "ngắn", "Khách quan, đã khắc phục")
TEXTS = ("Nội dung báo cáo đầy đủ hơn mười ký tự", "Không phát sinh", "abc", "1234567890")


@functools.cache
def configuration() -> Configuration:
    return load_configuration(bundled_config_dir())


@functools.cache
def context(unit_code: str, kind: str) -> ConversationContext:
    """A context with some previous-period and Q1 figures, to reach the plausibility warnings."""
    config = configuration()
    cumulative = kind in ("H1", "Y")
    import datetime as dt

    return build_context(
        config.questionnaire,
        config.units.by_code()[unit_code],
        kind,
        cumulative=cumulative,
        window_start=dt.date(2023, 12, 11),
        window_end=dt.date(2024, 12, 10),
        previous_values={"cddh_02": Decimal(1), "tthc_02": Decimal(2), "cv_01": Decimal(1)},
        first_quarter_values=(
            {"cddh_02": Decimal(3), "tthc_03": Decimal(2), "cddh_04.denominator": Decimal(2)}
            if cumulative
            else {}
        ),
    )


def number_texts(maximum: int = 20000) -> st.SearchStrategy[str]:
    """Whole numbers written the ways people type them."""
    small = st.integers(0, 6)
    large = st.integers(0, maximum)
    return st.one_of(small, small, large).flatmap(
        lambda n: st.sampled_from(
            [str(n), f"{n:,}".replace(",", "."), f"{n:,}".replace(",", " "), f"{n:,}", f"{n} "]
        )
    )


decimal_texts = st.sampled_from(["12,5", "12.5", "95,5 %", "0,75", "1.234,5", "99", "100%", "3"])


@st.composite
def ratio_texts(draw: st.DrawFn) -> str:
    denominator = draw(st.integers(0, 8))
    numerator = draw(st.integers(0, denominator + 1))
    separator = draw(st.sampled_from(["/", " / ", " trên "]))
    return f"{numerator}{separator}{denominator}"


def sensible(data: st.DataObject, view: object) -> Event:
    """An event that usually moves the conversation on."""
    events: st.SearchStrategy[Event]
    if isinstance(view, SummaryView):
        events = st.sampled_from([TextInput("gửi"), ButtonPress("submit"), TextInput("tiếp tục")])
        events |= st.integers(1, view.total).map(lambda n: TextInput(f"sửa {n}"))
        return data.draw(events)
    assert isinstance(view, QuestionView)
    match view.step:
        case Step.CONFIRM_NUMBER | Step.CONFIRM_WARNING:
            events = st.sampled_from(
                [TextInput("đúng"), ButtonPress("confirm"), TextInput("sai"), ButtonPress("reject")]
            )
            return data.draw(events)
        case Step.EXPLANATION:
            return TextInput(data.draw(st.sampled_from(EXPLANATIONS)))
        case Step.NUMERATOR | Step.DENOMINATOR:
            return TextInput(data.draw(ratio_texts() | number_texts(10)))
        case _:
            pass
    match view.question_type:
        case IndicatorType.INTEGER:
            return TextInput(data.draw(number_texts()))
        case IndicatorType.DECIMAL | IndicatorType.PERCENT:
            return TextInput(data.draw(decimal_texts | number_texts(100)))
        case IndicatorType.BOOLEAN:
            return TextInput(data.draw(st.sampled_from(["có", "không", "1", "2", "co", "khong"])))
        case IndicatorType.CHOICE:
            return TextInput(str(data.draw(st.integers(1, len(view.options)))))
        case _:
            return TextInput(data.draw(st.sampled_from(TEXTS)))


def apply_changes(
    answers: Mapping[str, Answer], changes: tuple[AnswerChange, ...]
) -> dict[str, Answer]:
    result = dict(answers)
    for change in changes:
        if change.answer is None:
            result.pop(change.indicator_id, None)
        else:
            result[change.indicator_id] = change.answer
    return result


def assert_valid_submission(context: ConversationContext, answers: Mapping[str, Answer]) -> None:
    """Check a submission against the questionnaire without the engine's own helpers."""
    values: dict[Reference, Decimal | None] = {}
    for q in context.questions:
        ind = q.indicator
        answer = answers.get(q.id)
        if ind.required:
            assert answer is not None, q.id
            assert not answer.skipped, q.id
        if answer is None or answer.skipped:
            continue
        if answer.not_applicable:
            zero = answer.numerator == 0 and answer.denominator == 0
            assert ind.allows_not_applicable or zero, q.id
            if ind.type is IndicatorType.RATIO:
                values[Reference(q.id, "numerator")] = answer.numerator
                values[Reference(q.id, "denominator")] = answer.denominator
            continue
        low = Decimal(repr(ind.min)) if ind.min is not None else Decimal(0)
        high = Decimal(repr(ind.max)) if ind.max is not None else None
        match ind.type:
            case IndicatorType.INTEGER | IndicatorType.DECIMAL | IndicatorType.PERCENT:
                value = answer.value
                assert value is not None, q.id
                assert value >= low, q.id
                assert high is None or value <= high, q.id
                if ind.type is IndicatorType.INTEGER:
                    assert value == value.to_integral_value(), q.id
                if ind.type is IndicatorType.PERCENT:
                    assert value <= 100, q.id
                values[Reference(q.id, "value")] = value
            case IndicatorType.RATIO:
                numerator, denominator = answer.numerator, answer.denominator
                assert numerator is not None, q.id
                assert denominator is not None, q.id
                assert numerator >= 0, q.id
                if numerator > denominator:  # only where carry-over makes it possible...
                    assert ind.numerator_above_denominator == "warning", q.id
                    assert answer.explanation is not None, q.id  # ...and then explained
                assert denominator > 0, q.id
                assert numerator == numerator.to_integral_value(), q.id
                source = ind.denominator_source
                if source is not None:
                    assert answers[source].value == denominator, q.id
                values[Reference(q.id, "numerator")] = numerator
                values[Reference(q.id, "denominator")] = denominator
                values[Reference(q.id, "value")] = numerator * 100 / denominator
            case IndicatorType.BOOLEAN:
                assert answer.value in (0, 1), q.id
                values[Reference(q.id, "value")] = answer.value
            case IndicatorType.CHOICE:
                options = ind.options or []
                assert answer.value is not None, q.id
                assert 1 <= answer.value <= len(options), q.id
                assert answer.text_value == options[int(answer.value) - 1], q.id
            case _:
                text = answer.text_value
                assert text is not None, q.id
                assert text.strip(), q.id
                assert ind.min_length is None or len(text) >= ind.min_length, q.id
                assert ind.max_length is None or len(text) <= ind.max_length, q.id
        target = ind.target_for(context.period_kind)
        figure = values.get(Reference(q.id, "value"))
        if target is not None and figure is not None and not target.is_met(float(figure)):
            assert answer.explanation is not None, q.id
            assert len(answer.explanation) >= 10, q.id
    asked = {q.id for q in context.questions}
    for _, ind in configuration().questionnaire.indicators():
        for check in ind.checks:
            rule = parse_rule(check.rule)
            if check.level == "error" and rule.indicator_ids <= asked:
                assert rule.evaluate(values) is not False, check.rule  # type: ignore[arg-type]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    unit_code=st.sampled_from(UNIT_CODES),
    kind=st.sampled_from(PERIOD_KINDS),
    data=st.data(),
)
def test_random_conversations_never_break_the_rules(
    unit_code: str, kind: str, data: st.DataObject
) -> None:
    ctx = context(unit_code, kind)
    outcome: Outcome = start(ctx)
    submitted = 0
    for _ in range(data.draw(st.integers(20, 150), label="length")):
        state, view = outcome.state, outcome.view
        category = data.draw(st.integers(0, 12))
        junk = False
        event: Event
        if category <= 7 or state.position == DONE:
            event = sensible(data, view)
        elif category == 8:
            event, junk = TextInput(data.draw(st.sampled_from(JUNK))), True
        elif category == 9:
            event = TextInput(data.draw(st.sampled_from(COMMANDS)))
        elif category == 10 and isinstance(view, QuestionView | SummaryView) and view.buttons:
            button = data.draw(st.sampled_from(view.buttons))
            event = ButtonPress(button.action.value, button.argument)
        else:
            event = data.draw(
                st.builds(ButtonPress, st.text(max_size=24), st.text(max_size=4))
                | st.text(max_size=40).map(TextInput)
            )
        outcome = step(ctx, state, event)

        new = outcome.state
        assert DraftState.from_json(json.loads(json.dumps(new.to_json()))) == new
        rows = {
            key: Answer.from_columns(answer.to_columns()) for key, answer in new.answers.items()
        }
        assert DraftState.from_columns(new.position, new.pending_column(), rows) == new
        assert apply_changes(state.answers, outcome.changes) == dict(new.answers)
        if junk and state.position != DONE:
            assert new == state, event
            assert outcome.changes == (), event
        if isinstance(outcome.view, QuestionView | SummaryView):
            for notice in outcome.view.notices:
                assert all(isinstance(value, str) for value in notice.params.values())
        if isinstance(outcome.view, SubmitReady):
            submitted += 1
            assert new.position == DONE
            assert list(outcome.view.answers) == [
                q.id for q in ctx.questions if q.id in outcome.view.answers
            ]
            assert_valid_submission(ctx, outcome.view.answers)
            outcome = Outcome(DraftState(new.answers, "summary"), (), outcome.view.summary)
    record_event(f"submitted: {min(submitted, 2)}+" if submitted else "never submitted")
