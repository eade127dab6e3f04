"""The layout: imports run one way (bot.py -> scheduler -> handlers -> cchc_bot -> db), no cycle."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("bot", "scheduler", "handlers", "cchc_bot", "db")
"""Outermost first: a module may import only from its own layer or the ones after it."""
PURE_SERVER = "cchc_bot.local_bot_api"
"""The local Bot API server is product code that imports nothing else of the product."""


def _in_server(module: str) -> bool:
    return module == PURE_SERVER or module.startswith(PURE_SERVER + ".")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _product_files() -> Iterator[Path]:
    yield ROOT / "bot.py"
    for layer in LAYERS[1:]:
        yield from sorted((ROOT / layer).rglob("*.py"))


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """Every absolute import of a product module, including those under TYPE_CHECKING."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in _product_files()}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for _line, target in _imports(path):
            if target in modules and target != name:
                graph[name].add(target)
    return graph


def _layer(module: str) -> int:
    return LAYERS.index(module.split(".", 1)[0])


def test_imports_point_from_outer_layers_to_inner_ones() -> None:
    back_edges = [
        f"{path.relative_to(ROOT)}:{line}: {_module_name(path)} imports {target}"
        for path in _product_files()
        for line, target in _imports(path)
        if target.split(".", 1)[0] in LAYERS and _layer(target) < _layer(_module_name(path))
    ]
    assert back_edges == []


def test_the_local_bot_api_server_imports_nothing_else_of_the_product() -> None:
    leaks = [
        f"{path.relative_to(ROOT)}:{line}: imports {target}"
        for path in _product_files()
        if _in_server(_module_name(path))
        for line, target in _imports(path)
        if target.split(".", 1)[0] in LAYERS and not _in_server(target)
    ]
    assert leaks == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_through_others() -> None:
    # A package's __init__ re-exporting its own modules is not a cycle of behaviour.
    graph = {
        name: {t for t in targets if not (name == t.rsplit(".", 1)[0] or t.startswith(name + "."))}
        for name, targets in _graph().items()
    }
    assert _cycles(graph) == []


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ],
)
def test_the_cycle_finder_finds_cycles(
    graph: dict[str, set[str]], expected: list[list[str]]
) -> None:
    assert _cycles(graph) == expected


PURE_DOMAIN = (
    "cchc_bot.periods",
    "cchc_bot.workdays",
    "cchc_bot.reminder_plan",
    "cchc_bot.period_calendar",
    "cchc_bot.date_format",
    "cchc_bot.number_parsing",
    "cchc_bot.number_format",
    "cchc_bot.rules",
    "cchc_bot.aggregation",
    "cchc_bot.config",
    "cchc_bot.conversation",
    "cchc_bot.documents",
    "cchc_bot.texts",
)
"""DESIGN.md: the pure parts of cchc_bot/ import neither telegram nor sqlalchemy, even through
other modules of the product."""
LIBRARIES_KEPT_OUT = ("telegram", "sqlalchemy")
PACKAGES = (
    "cchc_bot/cli",
    "cchc_bot/exports",
    "cchc_bot/ops",
    "cchc_bot/services",
    "cchc_bot/texts",
    "cchc_bot/local_bot_api",
    "handlers/telegram",
    "handlers/web",
)
"""The folders of DESIGN.md's layout, each a package."""
MAX_MODULE_LINES = 500


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_pure_domain_modules_reach_neither_telegram_nor_sqlalchemy() -> None:
    modules = {_module_name(path): path for path in _product_files()}
    graph = _graph()
    leaks = []
    for package in PURE_DOMAIN:
        seen: set[str] = set()
        stack = [name for name in modules if _within(name, package)]
        assert stack, f"{package} is gone: update PURE_DOMAIN"
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            stack.extend(graph[name])
            leaks += [
                f"{package} reaches {name}:{line}: imports {target}"
                for line, target in _imports(modules[name])
                if target.split(".", 1)[0] in LIBRARIES_KEPT_OUT
            ]
    assert leaks == []


def test_the_design_layout_folders_are_packages() -> None:
    missing = [folder for folder in PACKAGES if not (ROOT / folder / "__init__.py").is_file()]
    assert missing == []


def test_handlers_hold_only_the_telegram_and_web_adapters() -> None:
    loose = sorted(
        path.name for path in (ROOT / "handlers").glob("*.py") if path.name != "__init__.py"
    )
    assert loose == []


def test_no_module_is_over_the_size_limit() -> None:
    big = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in _product_files()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert big == []
