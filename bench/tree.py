"""Organisation-tree benchmark: /status and the XLSX of one node of a 3-level tree of units."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import io
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.export import (
    RSS_TARGET_MB,
    STATUS_TARGET_S,
    TZ,
    XLSX_TARGET_S,
    YEAR,
    peak_rss_mb,
    period_data,
    questionnaire_with,
    seed_database,
    verdict,
)
from cchc_bot.access import Actor, Role
from cchc_bot.clock import MovableClock
from cchc_bot.config.base import UnitKind
from cchc_bot.config.loading import Configuration, load_configuration
from cchc_bot.config.units import UnitConfig
from cchc_bot.exports.workbook import write_xlsx
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.period_calendar import build_periods
from cchc_bot.services.exports import ExportService
from cchc_bot.services.status import StatusService
from db.session import create_engine, create_session_factory

ROOT_CODE = "tinh"
LEAF_KINDS = (UnitKind.PHONG, UnitKind.DVSN)
# The cases measured, each in a fresh process: (label, database, coordinator's scope).
FLAT, WHOLE, NODE = "flat", "tree", "node"


def tree_units(total: int, nodes: int, rng: random.Random) -> list[UnitConfig]:
    """A 3-level tree of `total` units: a province, `nodes` communes under it and the other
    units spread evenly (round robin) under the communes; every unit reports."""
    if total < nodes + 1:
        raise ValueError(f"{total} units cannot hold a root and {nodes} nodes")
    root = UnitConfig(code=ROOT_CODE, name="Sở Nội vụ tỉnh thử", kind=UnitKind.CO_QUAN_TINH)
    middle = [
        UnitConfig(
            code=f"n{number:03d}",
            name=f"UBND xã số {number}",
            kind=UnitKind.XA,
            has_tthc=True,
            parent=ROOT_CODE,
        )
        for number in range(1, nodes + 1)
    ]
    leaves = []
    for index in range(total - 1 - nodes):
        parent = middle[index % nodes].code
        kind = rng.choice(LEAF_KINDS)
        leaves.append(
            UnitConfig(
                code=f"{parent}u{index // nodes + 1:03d}",
                name=f"Đơn vị {index // nodes + 1} của {parent} — {kind.value}",
                kind=kind,
                has_tthc=kind is UnitKind.PHONG,
                parent=parent,
            )
        )
    return [root, *middle, *leaves]


def middle_node(units: Sequence[UnitConfig]) -> str:
    """The measured node: the middle one of the communes under the province."""
    middle = [unit.code for unit in units if unit.parent == ROOT_CODE]
    return middle[len(middle) // 2]


def tree_config(
    base: Configuration, indicators: int | None, total: int, nodes: int, seed: int
) -> Configuration:
    """The bundled configuration with the synthetic tree and the questionnaire (cut or padded
    to `indicators` items; None: the bundled one as it is)."""
    questionnaire = base.questionnaire
    if indicators is not None:
        questionnaire = questionnaire_with(questionnaire, indicators)
    units = tree_units(total, nodes, random.Random(seed))
    return dataclasses.replace(
        base,
        questionnaire=questionnaire,
        units=base.units.model_copy(update={"units": units}),
    )


def coordinator(scope: str | None) -> Actor:
    """A coordinator of a node's subtree (None: of the whole tree), as `invite --scope` makes."""
    return Actor(1, 1, "Điều phối viên", Role.COORDINATOR, None, None, None, scope_code=scope)


async def measure(url: str, config: Configuration, period_code: str, scope: str | None) -> Any:
    """The chat's calls for one coordinator: /status, then /export's read and its XLSX bytes."""
    period = next(p for p in build_periods(config.schedule, YEAR, TZ) if p.code == period_code)
    clock = MovableClock(period.deadline + dt.timedelta(days=1), frozen=True)
    actor = coordinator(scope)
    engine = create_engine(url)
    try:
        sessions = create_session_factory(engine)
        service = StatusService(sessions, config, clock, TZ)
        started = time.perf_counter()
        await service.status_for(actor, period_code)  # a running bot is past its first query
        cold_s = time.perf_counter() - started
        started = time.perf_counter()
        status = await service.status_for(actor, period_code)
        status_s = time.perf_counter() - started
        started = time.perf_counter()
        data = await ExportService(sessions, config, clock, TZ).export_for(actor, period_code)
        read_s = time.perf_counter() - started
    finally:
        await engine.dispose()
    started = time.perf_counter()
    buffer = io.BytesIO()  # as handlers/telegram/period_files.workbook_file builds it
    write_xlsx(data, buffer)
    xlsx_s = time.perf_counter() - started
    return {
        "units": len(status.units),
        "exported": len(data.units),
        "nodes": len(data.nodes),
        "status_s": status_s,
        "cold_status_s": cold_s,
        "read_s": read_s,
        "xlsx_s": xlsx_s,
        "xlsx_mb": len(buffer.getvalue()) / 1e6,
        "peak_rss_mb": peak_rss_mb(),
    }


def child(argv: Sequence[str]) -> int:
    """Child process: measure one case and print it as one JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--measure-db", required=True)
    parser.add_argument("--period", required=True)
    parser.add_argument("--scope", default="")
    for name in ("--units", "--nodes", "--seed"):
        parser.add_argument(name, type=int, required=True)
    parser.add_argument("--indicators", type=int)
    args = parser.parse_args(argv)
    config = tree_config(
        load_configuration(bundled_config_dir()), args.indicators, args.units, args.nodes, args.seed
    )
    scope = args.scope or None
    print(json.dumps(asyncio.run(measure(args.measure_db, config, args.period, scope))))
    return 0


def seed_tree(folder: Path, config: Configuration, period_code: str, seed: int) -> float:
    """Seed the tree's database and a flat copy (no parents); return the seconds it took."""
    started = time.perf_counter()
    period = next(p for p in build_periods(config.schedule, YEAR, TZ) if p.code == period_code)
    units = config.units.units
    data, _ = period_data(period, config.questionnaire, units, None, random.Random(seed))
    parents = {unit.code: unit.parent for unit in units}
    tree_db = folder / "tree.db"
    asyncio.run(
        seed_database(f"sqlite+aiosqlite:///{tree_db}", data, config.questionnaire, parents)
    )
    shutil.copyfile(tree_db, folder / "flat.db")
    with sqlite3.connect(folder / "flat.db") as connection:
        connection.execute("UPDATE units SET parent_code = NULL")
    return time.perf_counter() - started


def run_case(folder: Path, database: str, scope: str, args: argparse.Namespace) -> Any:
    """Measure one case in a fresh process, as the bot is (only its memory is counted)."""
    command = [sys.executable, "-m", "bench.tree", "--measure-db"]
    command += [f"sqlite+aiosqlite:///{folder / database}", "--period", args.period]
    command += ["--scope", scope, "--units", str(args.units), "--nodes", str(args.nodes)]
    command += ["--seed", str(args.seed)]
    if args.indicators is not None:
        command += ["--indicators", str(args.indicators)]
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=root)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: Sequence[str] | None = None) -> int:
    """Run the tree benchmark with the flat export as its baseline; exit 1 on a missed target."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if "--measure-db" in arguments:
        return child(arguments)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tree", action="store_true", help="(the switch of bench/export.py)")
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--nodes", type=int, default=100, help="communes under the province")
    parser.add_argument("--indicators", type=int, help="cut or pad the questionnaire")
    parser.add_argument("--seed", type=int, default=20240311)
    parser.add_argument("--period", default=f"{YEAR}-Y")
    args = parser.parse_args(arguments)
    config = tree_config(
        load_configuration(bundled_config_dir()), args.indicators, args.units, args.nodes, args.seed
    )
    node = middle_node(config.units.units)
    print(
        f"CCHC tree benchmark: {args.units:,} units (1 province, {args.nodes} communes, "
        f"{args.units - 1 - args.nodes:,} units below them), "
        f"{len(config.questionnaire.indicators())} indicators, period {args.period}"
    )
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        seeded = seed_tree(folder, config, args.period, args.seed)
        print(f"seeding SQLite (tree + flat copy): {seeded:.1f}s")
        cases = {
            FLAT: run_case(folder, "flat.db", "", args),
            WHOLE: run_case(folder, "tree.db", "", args),
            NODE: run_case(folder, "tree.db", node, args),
        }
    labels = {
        FLAT: "flat, whole province (baseline)",
        WHOLE: "tree, whole province",
        NODE: f"tree, node {node}",
    }
    base = cases[FLAT]
    print(
        f"{'case':34} {'units':>6} {'nodes':>5} {'status':>7} {'(cold)':>7} {'read':>6} "
        f"{'xlsx':>6} "
        f"{'ratio':>6} {'MB':>5} {'peak RSS':>9}"
    )
    for key, case in cases.items():
        export_s = case["read_s"] + case["xlsx_s"]
        ratio = export_s / (base["read_s"] + base["xlsx_s"])
        print(
            f"{labels[key]:34} {case['units']:>6,} {case['nodes']:>5} {case['status_s']:>6.2f}s "
            f"{case['cold_status_s']:>6.2f}s "
            f"{case['read_s']:>5.2f}s {case['xlsx_s']:>5.2f}s {ratio:>5.2f}× "
            f"{case['xlsx_mb']:>5.1f} {case['peak_rss_mb']:>6.0f} MB"
        )
    checks = []
    for key in (NODE, WHOLE):
        case = cases[key]
        export_s = case["read_s"] + case["xlsx_s"]
        checks += [
            (
                f"{labels[key]}: status ≤ {STATUS_TARGET_S} s ({case['status_s']:.2f} s)",
                case["status_s"] <= STATUS_TARGET_S,
            ),
            (
                f"{labels[key]}: read + XLSX ≤ {XLSX_TARGET_S:.0f} s ({export_s:.2f} s)",
                export_s <= XLSX_TARGET_S,
            ),
            (
                f"{labels[key]}: peak RSS ≤ {RSS_TARGET_MB:.0f} MB ({case['peak_rss_mb']:.0f} MB)",
                case["peak_rss_mb"] <= RSS_TARGET_MB,
            ),
        ]
    for label, ok in checks:
        print(f"{verdict(ok)}  {label}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
