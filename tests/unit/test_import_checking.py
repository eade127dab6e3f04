"""An imported row is checked like chat answers: the one-stop block's sums, cells, places."""

from __future__ import annotations

import datetime as dt
import functools

from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_bot.config.loading import Configuration, load_configuration
from cchc_bot.conversation import ConversationContext, build_context
from cchc_bot.imports.checking import Cell, UnitRow, check_row
from cchc_bot.ops.settings import bundled_config_dir


@functools.cache
def configuration() -> Configuration:
    return load_configuration(bundled_config_dir())


@functools.cache
def tai_van() -> ConversationContext:
    """Xã Tài Văn's Quý I/2024 questions."""
    config = configuration()
    return build_context(
        config.questionnaire,
        config.units.by_code()["xa_tai_van"],
        "Q1",
        cumulative=False,
        window_start=dt.date(2023, 12, 11),
        window_end=dt.date(2024, 3, 10),
    )


def one_stop(
    carried: int,
    person: int,
    post: int,
    online: int,
    ahead: int,
    on_time: int,
    late: int,
    pending: int,
    pending_late: int,
) -> dict[tuple[str, str], object]:
    """The one-stop cells of a consistent row (the rest of the block: plain counts)."""
    received = person + post + online
    resolved = ahead + on_time + late
    return {
        ("tthc_11", "value"): carried, ("tthc_02", "value"): received,
        ("tthc_12", "value"): person, ("tthc_13", "value"): post,
        ("tthc_14", "value"): online, ("tthc_03", "value"): resolved,
        ("tthc_04", "numerator"): ahead + on_time, ("tthc_15", "value"): ahead,
        ("tthc_05", "value"): late, ("tthc_17", "value"): pending,
        ("tthc_18", "value"): pending_late, ("tthc_16", "value"): late + pending_late,
        ("tthc_06", "numerator"): late + pending_late, ("cqs_02", "numerator"): 0,
    }  # fmt: skip


def row_of(cells: dict[tuple[str, str], object]) -> UnitRow:
    """A sheet row holding the cells, each in its own column."""
    placed = {key: Cell(f"C{number}", value) for number, (key, value) in enumerate(cells.items())}
    return UnitRow("Theo đơn vị", 9, "xa_tai_van", placed)


def block_problems(cells: dict[tuple[str, str], object]) -> list[tuple[str, str]]:
    """The problems the row has in the TTHC section (the rest of the row is left blank)."""
    _, problems = check_row(tai_van(), row_of(cells), "xa_tai_van Xã Tài Văn")
    return [
        (problem.indicator, problem.message)
        for problem in problems
        if problem.indicator.startswith("tthc_") and "chưa có số liệu" not in problem.message
    ]


counts = st.integers(0, 500)


@settings(max_examples=60, deadline=None)
@given(
    carried=counts, person=counts, post=counts, online=counts, ahead=counts,
    on_time=counts, late=counts, pending_late=counts, spare=counts,
)  # fmt: skip
def test_any_consistent_one_stop_block_reads_without_a_problem(
    carried: int, person: int, post: int, online: int, ahead: int, on_time: int, late: int,
    pending_late: int, spare: int,
) -> None:  # fmt: skip
    resolved = ahead + on_time + late
    received = person + post + online
    pending = pending_late + spare
    # Carried over is what balances the flow: carried + received == resolved + pending.
    carried = resolved + pending - received
    if carried < 0:
        return
    cells = one_stop(carried, person, post, online, ahead, on_time, late, pending, pending_late)
    assert block_problems(cells) == []


@settings(max_examples=40, deadline=None)
@given(online=st.integers(1, 500), delta=st.integers(1, 50))
def test_channels_that_do_not_add_up_are_the_one_problem(online: int, delta: int) -> None:
    cells = one_stop(0, 10, 0, online, 0, 10 + online, 0, 0, 0)
    cells[("tthc_14", "value")] = online + delta
    cells[("cqs_02", "numerator")] = 0
    assert block_problems(cells) == [
        (
            "tthc_14",
            "Số hồ sơ trực tiếp, qua bưu chính và trực tuyến cộng lại phải bằng số hồ sơ tiếp "
            "nhận mới.",
        )
    ]


def test_cells_are_read_with_the_chat_number_parser_and_placed_by_column() -> None:
    cells = one_stop(0, 10, 0, 0, 5, 5, 0, 0, 0)
    cells[("tthc_12", "value")] = "12a"
    _, problems = check_row(tai_van(), row_of(cells), "xa_tai_van Xã Tài Văn")
    [problem] = [p for p in problems if p.indicator == "tthc_12"]
    assert (problem.sheet, problem.row, problem.column) == ("Theo đơn vị", 9, "C2")
    assert "«a»" in problem.message  # the chat's own explanation of the typo
    cells[("tthc_12", "value")] = "1.234,5"  # a count with decimals
    _, problems = check_row(tai_van(), row_of(cells), "xa_tai_van Xã Tài Văn")
    assert any(p.indicator == "tthc_12" for p in problems)
