"""Every text is defined once per module: a second definition would silently replace the first."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

TEXTS = Path(__file__).resolve().parents[2] / "cchc_bot" / "texts"


def assigned_names(source: str) -> list[str]:
    """The names a module assigns at its top level, once per assignment."""
    names: list[str] = []
    for node in ast.parse(source).body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        names.extend(target.id for target in targets if isinstance(target, ast.Name))
    return names


def test_a_name_assigned_twice_is_found() -> None:
    assert assigned_names("A = 1\nB: int = 2\nA = 3\n") == ["A", "B", "A"]


@pytest.mark.parametrize("module", sorted(TEXTS.glob("*.py")), ids=lambda path: path.name)
def test_no_text_is_defined_twice(module: Path) -> None:
    counts = Counter(assigned_names(module.read_text(encoding="utf-8")))
    assert [name for name, count in counts.items() if count > 1] == []
