"""Walks of the unit tree, coordinator scopes, and predecessors' figures combined."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_bot import tree
from cchc_bot.access import (
    AccessDenied,
    Actor,
    OutOfScope,
    Role,
    require_in_scope,
    require_unit_access,
    require_whole_tree,
    units_in_scope,
)
from cchc_bot.aggregation import NOT_ARISEN, Figure
from cchc_bot.comparisons import combined_figures
from cchc_bot.config.loading import Configuration

PARENTS: dict[str, str | None] = {
    "tinh": None,
    "khoi_a": "tinh",
    "a1": "khoi_a",
    "a1_vp": "a1",
    "a2": "khoi_a",
    "khoi_b": "tinh",
    "b1": "khoi_b",
}


def coordinator(scope: str | None) -> Actor:
    """A coordinator of a subtree (None: the whole tree)."""
    return Actor(1, 11, "Điều phối", Role.COORDINATOR, None, None, None, scope_code=scope)


@st.composite
def forests(draw: st.DrawFn) -> dict[str, str | None]:
    """A random forest: each unit's parent is an earlier unit or none."""
    size = draw(st.integers(min_value=1, max_value=25))
    codes = [f"u{number}" for number in range(size)]
    parents: dict[str, str | None] = {}
    for number, code in enumerate(codes):
        parents[code] = draw(st.none() | st.sampled_from(codes[:number])) if number else None
    return parents


def ancestors(code: str, parents: dict[str, str | None]) -> list[str]:
    """The units above a unit, nearest first."""
    found = []
    parent = parents[code]
    while parent is not None:
        found.append(parent)
        parent = parents[parent]
    return found


@given(forests(), st.data())
def test_a_subtree_is_the_node_and_every_unit_that_has_it_above(
    parents: dict[str, str | None], data: st.DataObject
) -> None:
    root = data.draw(st.sampled_from(sorted(parents)))
    expected = {code for code in parents if code == root or root in ancestors(code, parents)}
    assert tree.subtree(root, parents) == expected


@given(forests(), st.data())
def test_each_unit_of_a_subtree_lies_under_exactly_one_child_or_the_root(
    parents: dict[str, str | None], data: st.DataObject
) -> None:
    root = data.draw(st.sampled_from(sorted(parents)))
    below = tree.subtree(root, parents)
    children = set(tree.children(parents).get(root, []))
    for code in parents:
        node = tree.node_under(code, root, parents)
        if code not in below:
            assert node is None
        elif code == root:
            assert node == root
        else:
            assert node in children
            assert code in tree.subtree(node, parents)


def test_scopes_cut_the_tree_at_the_coordinators_node() -> None:
    assert units_in_scope(coordinator(None), PARENTS) == set(PARENTS)
    assert units_in_scope(coordinator("khoi_a"), PARENTS) == {"khoi_a", "a1", "a1_vp", "a2"}
    assert units_in_scope(coordinator("b1"), PARENTS) == {"b1"}
    head = Actor(2, 22, "Thủ trưởng", Role.HEAD, 5, "a1", "Xã A1")
    assert units_in_scope(head, PARENTS) == {"a1"}


@pytest.mark.parametrize(
    ("scope", "unit", "allowed"),
    [
        (None, "b1", True),
        ("khoi_a", "a1_vp", True),
        ("khoi_a", "khoi_a", True),
        ("khoi_a", "b1", False),
        ("khoi_a", "tinh", False),
        ("a1", "a2", False),
    ],
)
def test_a_coordinator_may_act_on_a_unit_only_inside_the_scope(
    scope: str | None, unit: str, allowed: bool
) -> None:
    actor = coordinator(scope)
    if allowed:
        assert require_in_scope(actor, unit, PARENTS, "return") is actor
        assert require_unit_access(actor, unit, "view", PARENTS) is actor
        return
    with pytest.raises(OutOfScope):
        require_in_scope(actor, unit, PARENTS, "return")
    with pytest.raises(OutOfScope):
        require_unit_access(actor, unit, "view", PARENTS)


def test_a_scoped_coordinator_without_the_tree_is_refused_and_period_actions_too() -> None:
    with pytest.raises(OutOfScope):
        require_unit_access(coordinator("khoi_a"), "a1", "view")  # no tree given: fail closed
    with pytest.raises(OutOfScope):
        require_whole_tree(coordinator("khoi_a"), "close")
    assert require_whole_tree(coordinator(None), "close").scope_code is None
    with pytest.raises(AccessDenied):
        require_whole_tree(None, "close")


def test_the_subtotal_root_is_the_scope_or_a_single_root() -> None:
    assert tree.subtotal_root("khoi_a", PARENTS) == "khoi_a"
    assert tree.subtotal_root(None, PARENTS) == "tinh"
    assert tree.subtotal_root(None, {"a": None, "b": None}) is None


counts = st.integers(min_value=0, max_value=10_000)


@given(st.lists(st.tuples(counts, counts, counts), min_size=1, max_size=6))
def test_predecessors_figures_combine_by_each_indicators_rule(
    bundled_config: Configuration, parts: list[tuple[int, int, int]]
) -> None:
    # cddh_02 is a sum; tc_02 a ratio (numerator <= denominator, as the checks require).
    figures = [
        {
            "cddh_02": Figure.number(value),
            "tc_02": Figure.ratio(min(numerator, denominator), denominator),
        }
        for value, numerator, denominator in parts
    ]
    combined = combined_figures(bundled_config.questionnaire, figures)
    assert combined["cddh_02"].value == sum(Decimal(value) for value, _, _ in parts)
    denominators = sum(denominator for _, _, denominator in parts)
    if denominators == 0:
        assert combined["tc_02"] == NOT_ARISEN
    else:
        numerators = sum(min(n, d) for _, n, d in parts)
        assert combined["tc_02"].numerator == numerators
        assert combined["tc_02"].denominator == denominators
