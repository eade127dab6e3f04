"""The bundled examples: each passes check-config, says what it should, and can be picked."""

from __future__ import annotations

import datetime as dt
import importlib.util
import tomllib
from fnmatch import fnmatch
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from cchc_bot import examples, period_calendar, unit_life
from cchc_bot.cli import app
from cchc_bot.config.loading import check_configuration, load_configuration
from cchc_bot.ops.settings import Settings, bundled_config_dir
from cchc_bot.services.status import PeriodStatus, UnitStatus
from handlers.telegram.status import ordered_units, status_page

ROOT = Path(__file__).resolve().parents[2]
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Trần Đề from 1/7/2025 (Nghị quyết 1668/NQ-UBTVQH15): new xã <- 2024 units.
MERGERS = {
    "ct_xa_tran_de": ["tt_tran_de", "xa_dai_an_2", "xa_trung_binh"],
    "ct_xa_lich_hoi_thuong": ["tt_lich_hoi_thuong", "xa_lich_hoi_thuong"],
    "ct_xa_lieu_tu": ["xa_lieu_tu", "xa_vien_binh"],
    "ct_xa_tai_van": ["xa_tai_van", "xa_vien_an"],
    "ct_xa_thanh_thoi_an": ["xa_thanh_thoi_an", "xa_thanh_thoi_thuan"],
}


def test_the_bundled_examples_are_listed_with_the_default_first() -> None:
    assert examples.example_names() == [
        "tran_de_2024",
        "tp_can_tho_2026",
        "tran_de_2024_2025",
        "xa_tran_de_2026",
    ]
    assert examples.example_dir("tran_de_2024") == bundled_config_dir()


@pytest.mark.parametrize("name", examples.example_names())
def test_every_example_passes_check_config(name: str) -> None:
    assert check_configuration(examples.example_dir(name)) == []


@pytest.mark.parametrize("name", examples.example_names())
def test_config_dir_pointing_at_an_example_loads_it(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CCHC_CONFIG_DIR", str(examples.example_dir(name)))
    settings = Settings()
    assert settings.config_dir == examples.example_dir(name)
    assert load_configuration(settings.config_dir).units.units


def test_every_example_file_is_package_data() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = pyproject["tool"]["setuptools"]["package-data"]["cchc_bot"]
    package = ROOT / "cchc_bot"
    for path in (package / "bundled").rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            relative = path.relative_to(package).as_posix()
            assert any(fnmatch(relative, glob) for glob in globs), relative


def test_tran_de_2024_2025_ends_the_old_units_and_asks_the_five_new_communes() -> None:
    config = load_configuration(examples.example_dir("tran_de_2024_2025"))
    units = config.units.units
    successors = {unit.code: unit.successors for unit in units if unit.successors}
    assert unit_life.predecessors(successors) == MERGERS
    h1 = period_calendar.period_by_code(config.schedule, "2025-H1", TZ)
    year = period_calendar.period_by_code(config.schedule, "2026-Q1", TZ)
    default = load_configuration(bundled_config_dir()).units.units
    assert [u.code for u in unit_life.units_asked(units, h1)] == [u.code for u in default]
    assert sorted(u.code for u in unit_life.units_asked(units, year)) == sorted(MERGERS)
    assert {u.name for u in unit_life.units_asked(units, year)} >= {"Xã Trần Đề", "Xã Liêu Tú"}


def test_xa_tran_de_2026_is_the_commune_and_its_offices_with_a_2026_calendar() -> None:
    config = load_configuration(examples.example_dir("xa_tran_de_2026"))
    assert config.units.organisation.name == "UBND xã Trần Đề"
    assert [unit.name for unit in config.units.units] == [
        "Văn phòng HĐND và UBND xã",
        "Phòng Kinh tế",
        "Phòng Văn hóa - Xã hội",
        "Trung tâm Phục vụ hành chính công",
    ]
    assert config.schedule.years.first == 2026
    periods = period_calendar.build_periods(config.schedule, 2026, TZ)
    assert [p.code for p in periods] == ["2026-Q1", "2026-H1", "2026-Q3", "2026-Y"]
    assert len(unit_life.units_asked(config.units.units, periods[0])) == 4


def _generator() -> ModuleType:
    path = ROOT / "scripts" / "generate_can_tho_units.py"
    spec = importlib.util.spec_from_file_location("generate_can_tho_units", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tp_can_tho_2026_is_what_the_script_generates(tmp_path: Path) -> None:
    pytest.importorskip("vietnam_provinces")
    _generator().main(tmp_path)
    bundled = examples.example_dir("tp_can_tho_2026")
    assert (tmp_path / "units.yaml").read_text(encoding="utf-8") == (
        bundled / "units.yaml"
    ).read_text(encoding="utf-8"), "units.yaml is stale: run scripts/generate_can_tho_units.py"
    # The questionnaire follows the default one, which other work edits: pin the widening only.
    widened = [
        line.strip()
        for line in (bundled / "questionnaire.yaml").read_text(encoding="utf-8").splitlines()
        if "applies_to: [" in line
    ]
    assert widened
    for line in widened:
        kinds = line.split("[", 1)[1].rstrip("]").split(", ")
        assert ("phong" in kinds) == ("so" in kinds), line
        assert ("xa" in kinds) == ("phuong" in kinds), line


def test_tp_can_tho_2026_has_its_departments_and_every_xa_and_phuong() -> None:
    folder = examples.example_dir("tp_can_tho_2026")
    config = load_configuration(folder)
    kinds = [unit.kind for unit in config.units.units]
    assert kinds.count("xa") + kinds.count("phuong") == 103
    assert "so_noi_vu" in config.units.by_code()
    assert "CẦN XÁC MINH" in (folder / "units.yaml").read_text(encoding="utf-8")
    groups = {unit.group_code for unit in config.units.units}
    assert groups == {"cap_tinh", "cap_xa"}
    sections = config.questionnaire.sections
    ward = next(u for u in config.units.units if u.kind == "phuong")
    department = config.units.by_code()["so_noi_vu"]
    for unit in (ward, department):
        assert len(config.questionnaire.questions_for(unit, "Y")) > 10, unit.code
    assert sections


def test_copy_example_copies_once_and_refuses_to_overwrite_an_edited_file(tmp_path: Path) -> None:
    target = tmp_path / "config"
    assert examples.copy_example("xa_tran_de_2026", target) == [
        "questionnaire.yaml",
        "schedule.yaml",
        "units.yaml",
    ]
    assert examples.copy_example("xa_tran_de_2026", target) == []
    (target / "units.yaml").write_text("units: []\n", encoding="utf-8")
    with pytest.raises(examples.ExampleError, match=r"units\.yaml"):
        examples.copy_example("xa_tran_de_2026", target)
    with pytest.raises(examples.ExampleError, match="unknown example 'nope'"):
        examples.example_dir("nope")


def test_init_example_copies_into_config_dir_and_syncs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CCHC_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cchc.db'}")
    monkeypatch.delenv("CCHC_BOT_TOKEN", raising=False)
    monkeypatch.delenv("CCHC_CONFIG_DIR", raising=False)
    runner = CliRunner()
    refused = runner.invoke(app, ["init", "--example", "xa_tran_de_2026"])
    assert refused.exit_code == 1
    assert "set CCHC_CONFIG_DIR" in refused.stderr
    monkeypatch.setenv("CCHC_CONFIG_DIR", str(tmp_path / "config"))
    result = runner.invoke(app, ["init", "--example", "xa_tran_de_2026"])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "added units: vp_hdnd_ubnd, p_kinh_te, p_vh_xh, tt_phvhcc" in result.stdout
    assert (tmp_path / "config" / "units.yaml").is_file()


def test_status_pages_head_units_by_the_declared_kind_labels_in_their_order() -> None:
    config = load_configuration(examples.example_dir("tp_can_tho_2026"))
    period = period_calendar.period_by_code(config.schedule, "2026-Q1", TZ)
    units = tuple(
        UnitStatus(
            unit.code, unit.name, unit.kind, "not_started", False, None, 0, 35, True, True, 0, None
        )
        for unit in reversed(config.units.units)
    )
    status = PeriodStatus(period, False, units, tuple(config.units.unit_kinds()))
    assert [u.kind for u in ordered_units(status)][:1] == ["so"]
    assert ordered_units(status)[-1].kind == "phuong"
    text, _ = status_page(status, 0, dt.datetime(2026, 3, 1, 9, 0, tzinfo=TZ), TZ)
    assert "Sở, ban, ngành" in text
