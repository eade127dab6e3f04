"""Generate the bundled example `tp_can_tho_2026` (units, questionnaire) from vietnam-provinces.

The xã and phường of Thành phố Cần Thơ come from the PyPI package `vietnam-provinces`
(`pip install -e .[examples]`), so the list can be regenerated when the package is updated;
the sở, ban, ngành are written below and marked CẦN XÁC MINH. The questionnaire is the
bundled one with `applies_to` kinds widened to this example's kinds (so beside phong,
phuong beside xa). Run: `.venv/bin/python scripts/generate_can_tho_units.py [OUT_DIR]`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "cchc_bot" / "bundled"
EXAMPLE = BUNDLED / "examples" / "tp_can_tho_2026"
CAN_THO = 92  # mã tỉnh (ProvinceCode.P_92)
VALID_FROM = "2025-07-01"

# Sở, ban, ngành thuộc UBND thành phố sau sắp xếp 2025 (Nghị định 45/2025/NĐ-CP): CẦN XÁC MINH.
DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("so_vp_ubnd", "Văn phòng UBND thành phố"),
    ("so_noi_vu", "Sở Nội vụ"),
    ("so_tu_phap", "Sở Tư pháp"),
    ("so_tai_chinh", "Sở Tài chính"),
    ("so_cong_thuong", "Sở Công Thương"),
    ("so_nn_mt", "Sở Nông nghiệp và Môi trường"),
    ("so_xay_dung", "Sở Xây dựng"),
    ("so_kh_cn", "Sở Khoa học và Công nghệ"),
    ("so_gd_dt", "Sở Giáo dục và Đào tạo"),
    ("so_y_te", "Sở Y tế"),
    ("so_vh_tt_dl", "Sở Văn hóa, Thể thao và Du lịch"),
    ("so_dan_toc_ton_giao", "Sở Dân tộc và Tôn giáo"),
    ("so_ngoai_vu", "Sở Ngoại vụ"),
    ("so_thanh_tra", "Thanh tra thành phố"),
    ("so_bql_kcn", "Ban Quản lý các khu chế xuất và công nghiệp Cần Thơ"),
)

HEADER = """\
# Ví dụ tp_can_tho_2026: Sở Nội vụ Thành phố Cần Thơ thu báo cáo CCHC của các sở, ban, ngành
# và của các xã, phường (từ 01/7/2025, sau khi Cần Thơ, Hậu Giang, Sóc Trăng hợp nhất).
# TỆP SINH TỰ ĐỘNG bởi scripts/generate_can_tho_units.py từ gói vietnam-provinces {version}:
# sửa script rồi chạy lại, đừng sửa tay danh sách xã, phường.
# Các trường: xem cchc_bot/bundled/units.yaml và docs/VAN_HANH.md (kinds, levels, valid_from).
# CẦN XÁC MINH: danh sách sở, ban, ngành và has_tthc của từng sở.

organisation:
  name: "UBND thành phố Cần Thơ"
  short_name: "thành phố Cần Thơ"
  place: "Cần Thơ"
  office: "Sở Nội vụ"

levels: ["Sở, ban, ngành; xã, phường thuộc thành phố"]

kinds:
  - {{code: so, label: "Sở, ban, ngành", group: cap_tinh}}
  - {{code: xa, label: "Xã", group: cap_xa}}
  - {{code: phuong, label: "Phường", group: cap_xa}}

groups:
  - {{code: cap_tinh, label: "Sở, ban, ngành thuộc UBND thành phố", order: 1}}
  - {{code: cap_xa, label: "Xã, phường", order: 2}}

units:
  # Sở, ban, ngành (CẦN XÁC MINH)
"""

# The bundled questionnaire's kinds, widened to this example's kinds.
WIDENED = {"phong": ("phong", "so"), "xa": ("xa", "phuong")}


def wards() -> list[tuple[str, str, str, int]]:
    """Every xã and phường of Cần Thơ as (code, name, kind, official code), by official code."""
    from vietnam_provinces import ProvinceCode, VietNamDivisionType, Ward

    kinds = {VietNamDivisionType.XA: "xa", VietNamDivisionType.PHUONG: "phuong"}
    found = []
    for ward in Ward.iter_by_province(ProvinceCode(CAN_THO)):
        if ward.division_type not in kinds:
            raise SystemExit(f"unexpected division type {ward.division_type} of {ward.name}")
        found.append((ward.codename, ward.name, kinds[ward.division_type], int(ward.code)))
    return sorted(found, key=lambda item: item[3])


def package_version() -> str:
    """The installed version of `vietnam-provinces`."""
    from importlib.metadata import version

    return version("vietnam-provinces")


def units_yaml() -> str:
    """The example's `units.yaml`."""
    lines = [HEADER.format(version=package_version())]
    for code, name in DEPARTMENTS:
        lines.append(
            f'  - {{code: {code}, name: "{name}", kind: so, has_tthc: true, '
            f"valid_from: {VALID_FROM}}}\n"
        )
    lines.append("  # Xã, phường (vietnam-provinces; note: mã đơn vị hành chính)\n")
    for code, name, kind, number in wards():
        lines.append(
            f'  - {{code: {code}, name: "{name}", kind: {kind}, has_tthc: true, '
            f'valid_from: {VALID_FROM}, note: "Mã ĐVHC {number}"}}\n'
        )
    return "".join(lines)


def questionnaire_yaml(bundled: str) -> str:
    """The bundled questionnaire with every `applies_to: [...]` list widened to this example."""

    def widen(match: re.Match[str]) -> str:
        kinds = [kind.strip() for kind in match[2].split(",")]
        widened = [new for kind in kinds for new in WIDENED.get(kind, (kind,))]
        return f"{match[1]}[{', '.join(dict.fromkeys(widened))}]"

    header = (
        "# Ví dụ tp_can_tho_2026: bộ câu hỏi mặc định, applies_to mở rộng cho các loại so, phuong\n"
        "# (TỆP SINH TỰ ĐỘNG bởi scripts/generate_can_tho_units.py).\n"
    )
    return header + re.sub(r"(applies_to: )\[([^\]]*)\]", widen, bundled)


def main(out_dir: Path) -> None:
    """Write `units.yaml` and `questionnaire.yaml` of the example into a folder."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "units.yaml").write_text(units_yaml(), encoding="utf-8")
    bundled = (BUNDLED / "questionnaire.yaml").read_text(encoding="utf-8")
    (out_dir / "questionnaire.yaml").write_text(questionnaire_yaml(bundled), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else EXAMPLE)
