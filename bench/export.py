"""Province-scale benchmark of the export: aggregation + XLSX, the status chart, and peak memory."""

from __future__ import annotations

import argparse
import asyncio
import csv
import dataclasses
import datetime as dt
import functools
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from cchc_bot.aggregation import ExportData, Figure, ReminderRecord, UnitReport, aggregate
from cchc_bot.answers import Answer
from cchc_bot.clock import MovableClock
from cchc_bot.config.base import UnitKind
from cchc_bot.config.loading import load_configuration
from cchc_bot.config.questionnaire import (
    Indicator,
    IndicatorType,
    Questionnaire,
    RatioPart,
    Target,
)
from cchc_bot.config.units import UnitConfig
from cchc_bot.exports.charts import status_chart
from cchc_bot.exports.sheets import unit_columns
from cchc_bot.exports.workbook import write_xlsx
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.period_calendar import build_periods
from cchc_bot.periods import ReportingPeriod
from cchc_bot.services.exports import ExportService
from cchc_bot.services.status import PeriodStatus, StatusService, UnitStatus
from db.migrate import upgrade_schema
from db.models import Answer as AnswerRow
from db.models import Period, QuestionnaireVersion, Submission, SubmissionVersion, Unit
from db.session import create_engine, create_session_factory

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2024
REVISIONS = 2
XLSX_TARGET_S = 10.0
CHART_TARGET_S = 2.0
RSS_TARGET_MB = 400.0
STATUS_TARGET_S = 0.5
SEED_CHUNK = 250
KIND_WEIGHTS = {UnitKind.XA: 70, UnitKind.PHONG: 15, UnitKind.DVSN: 10, UnitKind.CO_QUAN_TINH: 5}
TEXTS = (
    "Một số đơn vị chưa cập nhật kịp thời hồ sơ trên Hệ thống thông tin giải quyết TTHC.",
    "Đề nghị tỉnh tổ chức tập huấn về chuyển đổi số cho công chức cấp xã.",
    "=1+1 (câu trả lời thử tấn công công thức)",
)
T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Timing:
    """How long one measured step took (wall and CPU) and the process's peak RSS after it."""

    seconds: float
    cpu_seconds: float
    peak_rss_mb: float


def peak_rss_mb() -> float:
    """The process's peak resident set size so far, in MB (Linux reports kB)."""
    kilobytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kilobytes / 1024 if sys.platform != "darwin" else kilobytes / 1024 / 1024


def timed(step: Callable[[], T]) -> tuple[T, Timing]:
    """Run a step once and time it."""
    started, cpu = time.perf_counter(), time.process_time()
    result = step()
    elapsed = time.perf_counter() - started
    return result, Timing(elapsed, time.process_time() - cpu, peak_rss_mb())


def questionnaire_with(base: Questionnaire, count: int) -> Questionnaire:
    """The bundled questionnaire cut or padded (with copies of its indicators) to `count` items."""
    pool = [indicator for _, indicator in base.indicators()]
    chosen = pool[:count]
    copy = 2
    while len(chosen) < count:
        for indicator in pool:
            if len(chosen) == count:
                break
            update: dict[str, object] = {"id": f"{indicator.id}_b{copy}", "checks": []}
            if indicator.denominator_source is not None:
                update["denominator"] = RatioPart(label="Mẫu số", unit=None)
            chosen.append(indicator.model_copy(update=update))
        copy += 1
    ids = {indicator.id for indicator in chosen}
    sections = []
    for section in base.sections:
        kept = [ind for ind in section.indicators if ind.id in ids]
        if kept:
            sections.append(section.model_copy(update={"indicators": kept}))
    extra = [ind for ind in chosen if ind.id not in {i.id for _, i in base.indicators()}]
    if extra:
        sections.append(base.sections[-1].model_copy(update={"code": "THEM", "indicators": extra}))
    return base.model_copy(update={"sections": sections})


def province_units(count: int, rng: random.Random) -> list[UnitConfig]:
    """Synthetic units of a province: mostly communes, a third of them handling TTHC files."""
    kinds = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()), k=count)
    return [
        UnitConfig(
            code=f"u{number:05d}",
            name=f"Đơn vị số {number} — {kind.value}",
            kind=kind,
            has_tthc=kind in (UnitKind.XA, UnitKind.PHONG) or rng.random() < 0.3,
        )
        for number, kind in enumerate(kinds, start=1)
    ]


def revision(
    indicators: Sequence[Indicator],
    applicable: frozenset[str],
    period_kind: str,
    rng: random.Random,
) -> dict[str, Figure]:
    """One submitted version of a unit's report with plausible figures."""
    figures: dict[str, Figure] = {}
    for indicator in indicators:
        if indicator.id not in applicable:
            continue
        figures[indicator.id] = _figure(indicator, figures, indicator.target_for(period_kind), rng)
    return figures


def _figure(
    indicator: Indicator, so_far: dict[str, Figure], target: Target | None, rng: random.Random
) -> Figure:
    match indicator.type:
        case IndicatorType.INTEGER:
            return Figure.number(rng.randint(0, 500))
        case IndicatorType.DECIMAL:
            return Figure.number(Decimal(rng.randint(0, 10_000)) / 100)
        case IndicatorType.PERCENT:
            return Figure.number(Decimal(rng.randint(5_000, 10_000)) / 100)
        case IndicatorType.RATIO:
            source = so_far.get(indicator.denominator_source or "")
            if source is not None and source.value is not None:
                denominator = int(source.value)
            else:
                denominator = 0 if rng.random() < 0.1 else rng.randint(1, 300)
            numerator = rng.randint(max(0, denominator - 5), denominator)
            # The bot asks for an explanation only when a target of the period is missed.
            missed = (
                target is not None
                and denominator > 0
                and not target.is_met(numerator * 100 / denominator)
            )
            explanation = "Đang hoàn thiện hồ sơ, sẽ xong trong quý sau." if missed else None
            return Figure.ratio(numerator, denominator, explanation=explanation)
        case IndicatorType.BOOLEAN:
            return Figure.yes_no(rng.random() < 0.8)
        case IndicatorType.CHOICE:
            return Figure.answer(rng.choice(indicator.options or ["—"]))
        case _:
            return Figure.answer(rng.choice(TEXTS))


def period_data(
    period: ReportingPeriod,
    questionnaire: Questionnaire,
    units: Sequence[UnitConfig],
    previous: dict[str, dict[str, Figure]] | None,
    rng: random.Random,
) -> tuple[ExportData, dict[str, dict[str, Figure]]]:
    """Every unit submitted (the last of its revisions counts), with reminders, for one period."""
    indicators = [indicator for _, indicator in questionnaire.indicators()]
    reports: list[UnitReport] = []
    latest: dict[str, dict[str, Figure]] = {}
    reminders: list[ReminderRecord] = []
    for config in units:
        applicable = frozenset(ind.id for ind in questionnaire.questions_for(config, period.kind))
        figures: dict[str, Figure] = {}
        for _ in range(REVISIONS):
            figures = revision(indicators, applicable, period.kind, rng)
        latest[config.code] = figures
        late = rng.random() < 0.15
        submitted_at = period.deadline + dt.timedelta(
            hours=rng.randint(1, 200) * (1 if late else -1)
        )
        reports.append(
            UnitReport(
                code=config.code,
                name=config.name,
                kind=str(config.kind),
                state="submitted",
                late=late,
                submitted_at=submitted_at,
                submitted_by="Nguyễn Văn An",
                version=REVISIONS,
                figures=figures,
                applicable=applicable,
            )
        )
        for kind, at in zip(("opened", "before_2", "due_today"), period.reminders, strict=False):
            reminders.append(ReminderRecord(config.code, "Nguyễn Văn An", kind, at, "sent", at))
    data = ExportData(
        period=period,
        questionnaire=questionnaire,
        units=reports,
        previous=previous,
        reminders=reminders,
        generated_at=period.deadline + dt.timedelta(days=1),
        tz=TZ,
    )
    return data, latest


def status_of(data: ExportData) -> PeriodStatus:
    """The in-memory stand-in for the status service: the same units as the export."""
    return PeriodStatus(
        period=data.period,
        closed=False,
        units=tuple(
            UnitStatus(
                code=unit.code,
                name=unit.name,
                kind=unit.kind,
                state=unit.state,
                late=unit.late,
                submitted_at=unit.submitted_at,
                answered=len(unit.figures),
                total=len(unit.applicable),
                linked=True,
                reachable=True,
                version=unit.version,
                returned_reason=unit.returned_reason,
            )
            for unit in data.units
        ),
    )


def submissions_by_day(data: ExportData) -> list[tuple[dt.date, int]]:
    """How many reports came in each local day."""
    days = Counter(
        unit.submitted_at.astimezone(data.tz).date()
        for unit in data.units
        if unit.submitted_at is not None
    )
    return sorted(days.items())


def baseline_grid(data: ExportData) -> Iterator[list[str]]:
    """The same cells as "Theo đơn vị", as plain strings, for the csv.writer baseline."""
    columns = unit_columns(data)
    for unit in data.units:
        row = [unit.name, unit.code, unit.kind, unit.state]
        for column in columns:
            figure = unit.figures.get(column.indicator.id)
            value = None if figure is None else getattr(figure, column.part, None)
            if column.part == "percent" and figure is not None:
                value = figure.value
            row.append("" if value is None else str(value))
        yield row


def write_baseline(data: ExportData, path: Path) -> None:
    """Dump the per-unit grid with csv.writer: the floor any spreadsheet writer is compared to."""
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(baseline_grid(data))


def export(data: ExportData, path: Path) -> None:
    """The measured work: aggregation and the five-sheet workbook (XlsxWriter, constant_memory)."""
    write_xlsx(data, path, aggregate(data))


def traced_peak_mb(step: Callable[[], object]) -> float:
    """Peak Python allocations of a step, in MB (tracemalloc; slow, so only on request)."""
    tracemalloc.start()
    try:
        step()
        return tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


def _answer_json(figure: Figure) -> dict[str, object]:
    """A figure as the report service freezes it (the JSON of cchc_bot.answers.Answer)."""
    return Answer(
        value=figure.value,
        numerator=figure.numerator,
        denominator=figure.denominator,
        text_value=figure.text,
        not_applicable=figure.not_applicable,
        explanation=figure.explanation,
    ).to_json()


async def seed_database(
    url: str,
    data: ExportData,
    questionnaire: Questionnaire,
    parents: Mapping[str, str | None] | None = None,
) -> None:
    """Store one period of the generated province in a real database, as the bot would
    (`parents`: each unit's parent code, for an organisation tree)."""
    engine = create_engine(url)
    await upgrade_schema(engine)
    now = dt.datetime.now(dt.UTC)
    async with engine.begin() as connection:
        await connection.execute(
            insert(QuestionnaireVersion),
            [
                {
                    "id": 1,
                    "version": questionnaire.version,
                    "content_hash": "bench",
                    "content": questionnaire.model_dump(
                        mode="json", by_alias=True, exclude_none=True
                    ),
                    "created_at": now,
                }
            ],
        )
        await connection.execute(
            insert(Period),
            [{"id": 1, "code": data.period.code, "kind": data.period.kind, "year": YEAR}],
        )
        await connection.execute(
            insert(Unit),
            [
                {
                    "id": number,
                    "code": unit.code,
                    "name": unit.name,
                    "kind": unit.kind,
                    "has_tthc": unit.kind in ("xa", "phong"),
                    "active": True,
                    "parent_code": (parents or {}).get(unit.code),
                    "created_at": now,
                    "updated_at": now,
                }
                for number, unit in enumerate(data.units, start=1)
            ],
        )
        await connection.execute(
            insert(Submission),
            [
                {
                    "id": number,
                    "unit_id": number,
                    "period_id": 1,
                    "questionnaire_version_id": 1,
                    "state": "submitted",
                    "position": "done",
                    "created_at": now,
                    "updated_at": now,
                    "submitted_at": unit.submitted_at,
                    "late": unit.late,
                    "version": REVISIONS,
                }
                for number, unit in enumerate(data.units, start=1)
            ],
        )
        # In chunks, so seeding does not inflate the peak memory the benchmark reports.
        numbered = list(enumerate(data.units, start=1))
        for start in range(0, len(numbered), SEED_CHUNK):
            chunk = numbered[start : start + SEED_CHUNK]
            for version in range(1, REVISIONS + 1):
                await connection.execute(
                    insert(SubmissionVersion),
                    [
                        {
                            "submission_id": number,
                            "version": version,
                            "questionnaire_version_id": 1,
                            "submitted_at": unit.submitted_at or now,
                            "late": unit.late,
                            "answers": {k: _answer_json(f) for k, f in unit.figures.items()},
                        }
                        for number, unit in chunk
                    ],
                )
            await connection.execute(
                insert(AnswerRow),
                [
                    {
                        "submission_id": number,
                        "indicator_id": indicator_id,
                        "value": figure.value,
                        "numerator": figure.numerator,
                        "denominator": figure.denominator,
                        "text_value": figure.text,
                        "not_applicable": figure.not_applicable,
                        "skipped": False,
                        "answered_at": now,
                    }
                    for number, unit in chunk
                    for indicator_id, figure in unit.figures.items()
                ],
            )
    await engine.dispose()


def measure_from_database(argv: Sequence[str]) -> int:
    """Child process: status, export read, XLSX and chart from the seeded database, as the bot
    would do them, printing one JSON line with timings and this process's peak RSS."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--measure-db", required=True)
    parser.add_argument("--period", required=True)
    parser.add_argument("--units", type=int, required=True)
    parser.add_argument("--indicators", type=int)
    parser.add_argument("--seed", type=int, required=True)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    config = load_configuration(bundled_config_dir())
    questionnaire = config.questionnaire
    if args.indicators is not None:
        questionnaire = questionnaire_with(questionnaire, args.indicators)
    units = province_units(args.units, rng)
    config = dataclasses.replace(
        config,
        questionnaire=questionnaire,
        units=config.units.model_copy(update={"units": list(units)}),
    )
    period = next(p for p in build_periods(config.schedule, YEAR, TZ) if p.code == args.period)
    clock = MovableClock(period.deadline + dt.timedelta(days=1), frozen=True)
    url = args.measure_db

    async def read() -> tuple[PeriodStatus, float, ExportData, float]:
        engine = create_engine(url)
        try:
            sessions = create_session_factory(engine)
            started = time.perf_counter()
            status = await StatusService(sessions, config, clock, TZ).district_status(period.code)
            status_seconds = time.perf_counter() - started
            started = time.perf_counter()
            data = await ExportService(sessions, config, clock, TZ).export_data(period.code)
            return status, status_seconds, data, time.perf_counter() - started
        finally:
            await engine.dispose()

    status, status_seconds, data, read_seconds = asyncio.run(read())
    with tempfile.TemporaryDirectory() as folder:
        _, xlsx = timed(functools.partial(export, data, Path(folder) / "export.xlsx"))
    days = submissions_by_day(data)
    status_chart(status, days)  # the first drawing of a process loads the fonts
    _, chart = timed(lambda: status_chart(status, days))
    print(
        json.dumps(
            {
                "units": len(status.units),
                "status_s": status_seconds,
                "read_s": read_seconds,
                "xlsx_s": xlsx.seconds,
                "chart_s": chart.seconds,
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )
    return 0


def verdict(ok: bool) -> str:
    """PASS or FAIL."""
    return "PASS" if ok else "FAIL"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the figures; exit 1 when a target is missed."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if "--measure-db" in arguments:
        return measure_from_database(arguments)
    if "--district-report" in arguments:  # the DOCX draft (bench/district_report.py)
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from bench import district_report

        return district_report.main(arguments)
    if "--tree" in arguments:  # the organisation-tree benchmark (bench/tree.py)
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from bench import tree

        return tree.main(arguments)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument(
        "--indicators", type=int, help="cut or pad the questionnaire (default: the bundled one)"
    )
    parser.add_argument("--periods", type=int, default=4, help="periods of the year, 1-4")
    parser.add_argument("--seed", type=int, default=20240311)
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    config = load_configuration(bundled_config_dir())
    questionnaire = config.questionnaire
    if args.indicators is not None:
        questionnaire = questionnaire_with(questionnaire, args.indicators)
    units = province_units(args.units, rng)
    periods = build_periods(config.schedule, YEAR, TZ)[: args.periods]
    print(
        f"CCHC export benchmark: {args.units:,} units × {len(questionnaire.indicators())} "
        f"indicators, {len(periods)} periods × {REVISIONS} revisions; start RSS "
        f"{peak_rss_mb():.0f} MB"
    )
    header = (
        f"{'period':8} {'cols':>5} {'generate':>9} {'aggregate+xlsx':>15} {'(cpu)':>7} "
        f"{'csv baseline':>13} {'ratio':>6} {'xlsx MB':>8} {'peak RSS':>9}"
    )
    print(header)
    worst_xlsx = 0.0
    previous: dict[str, dict[str, Figure]] | None = None
    data: ExportData | None = None
    with tempfile.TemporaryDirectory() as folder:
        for period in periods:
            # Only this period and the previous one are held, as the export service would.
            started = time.perf_counter()
            data, latest = period_data(period, questionnaire, units, previous, rng)
            generated = time.perf_counter() - started
            xlsx_path = Path(folder) / f"{period.code}.xlsx"
            _, xlsx = timed(functools.partial(export, data, xlsx_path))
            _, base = timed(functools.partial(write_baseline, data, Path(folder) / "baseline.csv"))
            worst_xlsx = max(worst_xlsx, xlsx.seconds)
            columns = 4 + len(unit_columns(data))
            print(
                f"{period.code:8} {columns:>5} {generated:>8.2f}s {xlsx.seconds:>14.2f}s "
                f"{xlsx.cpu_seconds:>6.2f}s "
                f"{base.seconds:>12.2f}s {xlsx.seconds / base.seconds:>5.1f}× "
                f"{xlsx_path.stat().st_size / 1e6:>8.1f} {xlsx.peak_rss_mb:>6.0f} MB"
            )
            previous = latest
        assert data is not None
        last = data
        database = f"sqlite+aiosqlite:///{Path(folder) / 'province.db'}"
        _, seeded = timed(lambda: asyncio.run(seed_database(database, last, questionnaire)))
        print(f"seeding SQLite with {len(last.units):,} submitted reports: {seeded.seconds:.1f}s")
        # What the bot does, in a fresh process like the bot's: only its memory is counted.
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--measure-db",
                database,
                "--period",
                last.period.code,
                "--units",
                str(args.units),
                "--seed",
                str(args.seed),
                *([] if args.indicators is None else ["--indicators", str(args.indicators)]),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        measured = json.loads(child.stdout.strip().splitlines()[-1])
        print(
            f"from the database, in a fresh process ({measured['units']:,} units): "
            f"status {measured['status_s']:.2f}s, export read {measured['read_s']:.2f}s, "
            f"XLSX {measured['xlsx_s']:.2f}s, chart {measured['chart_s']:.2f}s, "
            f"peak RSS {measured['peak_rss_mb']:.0f} MB"
        )
        if args.tracemalloc:
            traced = traced_peak_mb(lambda: export(last, Path(folder) / "traced.xlsx"))
            print(f"tracemalloc peak of aggregation + XLSX ({last.period.code}): {traced:.0f} MB")
    print(f"(this generating process peaked at {peak_rss_mb():.0f} MB, synthetic data included)")
    rss = float(measured["peak_rss_mb"])
    end_to_end = float(measured["read_s"]) + float(measured["xlsx_s"])
    checks = [
        (f"XLSX ≤ {XLSX_TARGET_S:.0f} s (worst {worst_xlsx:.2f} s)", worst_xlsx <= XLSX_TARGET_S),
        (
            f"export from the database ≤ {XLSX_TARGET_S:.0f} s (read + XLSX {end_to_end:.2f} s)",
            end_to_end <= XLSX_TARGET_S,
        ),
        (
            f"chart ≤ {CHART_TARGET_S:.0f} s ({measured['chart_s']:.2f} s)",
            float(measured["chart_s"]) <= CHART_TARGET_S,
        ),
        (
            f"peak RSS of the bot-like process ≤ {RSS_TARGET_MB:.0f} MB ({rss:.0f} MB)",
            rss <= RSS_TARGET_MB,
        ),
        (
            f"status ≤ {STATUS_TARGET_S:.1f} s ({measured['status_s']:.2f} s)",
            float(measured["status_s"]) <= STATUS_TARGET_S,
        ),
    ]
    for label, ok in checks:
        print(f"{verdict(ok)}  {label}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
