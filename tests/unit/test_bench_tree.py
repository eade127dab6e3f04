"""The tree benchmark's fixture builder, run at a tiny size so the bench cannot rot."""

from __future__ import annotations

import importlib
import random
import sys
from pathlib import Path

from cchc_bot.config.loading import load_configuration
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.tree import subtree

# bench/ is not installed: it is run from the checkout, so the test finds it there too.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
bench_tree = importlib.import_module("bench.tree")
ROOT_CODE = bench_tree.ROOT_CODE
middle_node, tree_config, tree_units = (
    bench_tree.middle_node,
    bench_tree.tree_config,
    bench_tree.tree_units,
)


def test_tree_units_build_a_province_with_communes_and_units_spread_under_them() -> None:
    units = tree_units(10, 3, random.Random(1))
    parents = {unit.code: unit.parent for unit in units}
    # 1 root + 3 communes + 6 units below them, 2 under each commune (round robin).
    assert len(units) == 10
    assert [code for code, parent in parents.items() if parent is None] == [ROOT_CODE]
    assert [code for code, parent in parents.items() if parent == ROOT_CODE] == [
        "n001",
        "n002",
        "n003",
    ]
    assert subtree("n002", parents) == {"n002", "n002u001", "n002u002"}
    assert len(subtree(ROOT_CODE, parents)) == 10
    assert middle_node(units) == "n002"


def test_tree_config_keeps_the_bundled_questionnaire_unless_told_to_cut_it() -> None:
    base = load_configuration(bundled_config_dir())
    whole = tree_config(base, None, 6, 2, seed=7)
    cut = tree_config(base, 5, 6, 2, seed=7)
    assert len(whole.questionnaire.indicators()) == len(base.questionnaire.indicators())
    assert len(cut.questionnaire.indicators()) == 5
    assert [unit.code for unit in whole.units.units] == [
        "tinh",
        "n001",
        "n002",
        "n001u001",
        "n002u001",
        "n001u002",
    ]
