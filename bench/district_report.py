"""District report benchmark: the DOCX draft of 5,000 units × the bundled questionnaire.

Run `.venv/bin/python bench/export.py --district-report` (or `-m bench.district_report`). A
child process generates one period's submissions (every unit submitted, the previous period
for "cùng kỳ") and builds the draft as the bot's worker thread does; its time and peak RSS
are the verdict.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import random
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench.export import TZ, YEAR, peak_rss_mb, period_data, province_units
from cchc_bot.config.loading import load_configuration
from cchc_bot.documents import district_report
from cchc_bot.documents.outline import load_outline
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.period_calendar import build_periods

REPORT_TARGET_S = 15.0
RSS_TARGET_MB = 400.0


def child(units: int, seed: int) -> dict[str, float]:
    """Generate the period's data, then build and save the draft; timings and peak RSS."""
    rng = random.Random(seed)
    config = load_configuration(bundled_config_dir())
    outline = load_outline(bundled_config_dir(), config.questionnaire)
    questionnaire = config.questionnaire
    province = province_units(units, rng)
    periods = build_periods(config.schedule, YEAR, TZ)
    started = time.perf_counter()
    _, previous = period_data(periods[0], questionnaire, province, None, rng)
    data, _ = period_data(periods[1], questionnaire, province, previous, rng)
    data = dataclasses.replace(
        data, groups=config.units.unit_groups(), previous_label=periods[0].label
    )
    generated = time.perf_counter() - started
    before = peak_rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    buffer = io.BytesIO()
    district_report.write(data, outline, buffer)
    seconds = time.perf_counter() - started
    return {
        "units": float(len(data.units)),
        "indicators": float(len(questionnaire.indicators())),
        "generate_s": generated,
        "report_s": seconds,
        "report_cpu_s": time.process_time() - cpu,
        "docx_mb": len(buffer.getvalue()) / 1e6,
        "rss_before_mb": before,
        "peak_rss_mb": peak_rss_mb(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the child, print its figures and the verdict; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--district-report", action="store_true", help="(bench/export.py switch)")
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=20240311)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.child:
        print(json.dumps(child(args.units, args.seed)))
        return 0
    command = [sys.executable, "-m", "bench.district_report", "--child"]
    command += ["--units", str(args.units), "--seed", str(args.seed)]
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=root)
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"District report: {measured['units']:,.0f} units × {measured['indicators']:.0f} "
        f"indicators; data generated in {measured['generate_s']:.1f} s "
        f"(RSS {measured['rss_before_mb']:.0f} MB); draft {measured['report_s']:.2f} s "
        f"(cpu {measured['report_cpu_s']:.2f} s), {measured['docx_mb']:.1f} MB DOCX, "
        f"peak RSS {measured['peak_rss_mb']:.0f} MB"
    )
    checks = [
        (f"draft ≤ {REPORT_TARGET_S:.0f} s", measured["report_s"] <= REPORT_TARGET_S),
        (f"peak RSS ≤ {RSS_TARGET_MB:.0f} MB", measured["peak_rss_mb"] <= RSS_TARGET_MB),
    ]
    for label, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {label}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
