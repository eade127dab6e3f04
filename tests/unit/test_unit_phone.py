"""`units.yaml` may give a unit's contact phone; a malformed one is reported precisely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cchc_bot.config.loading import UNITS_FILE, check_configuration, load_configuration
from cchc_bot.ops.settings import bundled_config_dir

MARKER = '    name: "Xã Viên An"\n'


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """A writable copy of the bundled configuration."""
    target = tmp_path / "config"
    shutil.copytree(bundled_config_dir(), target)
    return target


def with_phone(directory: Path, phone: str) -> None:
    """Give Xã Viên An a phone line."""
    path = directory / UNITS_FILE
    text = path.read_text(encoding="utf-8")
    assert text.count(MARKER) == 1
    path.write_text(text.replace(MARKER, f"{MARKER}    phone: {phone}\n"), encoding="utf-8")


@pytest.mark.parametrize("phone", ['"0299 3851 234"', '"+84 299 3851234"', '"0912.345.678"'])
def test_a_phone_as_people_write_it_is_kept(config_dir: Path, phone: str) -> None:
    with_phone(config_dir, phone)
    config = load_configuration(config_dir)
    assert config.units.by_code()["xa_vien_an"].phone == phone.strip('"')
    assert config.units.by_code()["xa_tai_van"].phone is None


@pytest.mark.parametrize("phone", ['"gọi anh Tâm"', '"123"', '"0299 3851 234 ext"', "0299385"])
def test_a_malformed_phone_names_file_entry_and_field(config_dir: Path, phone: str) -> None:
    with_phone(config_dir, phone)
    issues = check_configuration(config_dir)
    assert [(issue.file, issue.field) for issue in issues] == [(UNITS_FILE, "phone")], issues
    assert "xa_vien_an" in issues[0].entry
