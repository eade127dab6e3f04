"""The bundled example configurations: their names, folders, and copying one for editing."""

from __future__ import annotations

from pathlib import Path

from cchc_bot.ops.settings import bundled_config_dir

DEFAULT_EXAMPLE = "tran_de_2024"
"""The default configuration (`cchc_bot/bundled/*.yaml`), also reachable as an example."""


class ExampleError(ValueError):
    """An unknown example, or a copy that would overwrite an operator's edited file."""


def examples_dir() -> Path:
    """The folder holding one folder per bundled example."""
    return bundled_config_dir() / "examples"


def example_names() -> list[str]:
    """Every bundled example, the default first."""
    folders = sorted(p.name for p in examples_dir().iterdir() if (p / "units.yaml").is_file())
    return [DEFAULT_EXAMPLE, *folders]


def example_dir(name: str) -> Path:
    """The folder of an example by name (ExampleError when there is none)."""
    if name == DEFAULT_EXAMPLE:
        return bundled_config_dir()
    folder = examples_dir() / name
    if name not in example_names() or not folder.is_dir():
        raise ExampleError(f"unknown example '{name}'; bundled: {', '.join(example_names())}")
    return folder


def copy_example(name: str, target: Path) -> list[str]:
    """Copy an example's YAML files into a folder; refuse to overwrite a file that differs."""
    source = example_dir(name)
    files = sorted(source.glob("*.yaml"))
    target.mkdir(parents=True, exist_ok=True)
    clashes = [
        path.name
        for path in files
        if (target / path.name).is_file() and (target / path.name).read_bytes() != path.read_bytes()
    ]
    if clashes:
        raise ExampleError(
            f"{target} already holds {', '.join(clashes)} that differ from example '{name}'; "
            "move them away or choose another CCHC_CONFIG_DIR"
        )
    copied = []
    for path in files:
        if not (target / path.name).is_file():
            (target / path.name).write_bytes(path.read_bytes())
            copied.append(path.name)
    return copied
