"""Vietnamese folding and sort order, unit names and period words as coordinators type them."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_bot.lookup import (
    PeriodKind,
    fold,
    match_units,
    parse_period,
    sort_key,
    split_unit_and_period,
)

KINDS = [
    PeriodKind("Q1", "Quý I"),
    PeriodKind("H1", "6 tháng đầu năm"),
    PeriodKind("Q3", "Quý III"),
    PeriodKind("Y", "Năm"),
]
TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]  # ngang huyền hỏi ngã sắc nặng


@dataclass(frozen=True)
class U:
    """A unit as the matcher sees it."""

    code: str
    name: str


UNITS = [
    U("tt_tran_de", "Thị trấn Trần Đề"),
    U("tt_lich_hoi_thuong", "Thị trấn Lịch Hội Thượng"),
    U("xa_dai_an_2", "Xã Đại Ân 2"),
    U("xa_lich_hoi_thuong", "Xã Lịch Hội Thượng"),
    U("xa_tai_van", "Xã Tài Văn"),
    U("xa_vien_an", "Xã Viên An"),
    U("xa_vien_binh", "Xã Viên Bình"),
]


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Xã Đại Ân 2", "xa dai an 2"),
        ("  THỊ   trấn  ", "thi tran"),
        ("Phòng Tài chính - Kế hoạch", "phong tai chinh - ke hoach"),
        ("Ưu", "uu"),
    ],
)
def test_fold_drops_case_accents_and_extra_blanks(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    "ordered",
    [
        ["Da", "Dung", "Đa", "Đại"],  # Đ is its own letter after D
        ["an", "ăn", "ân", "ba"],  # a < ă < â < b
        ["Ba", "Bà", "Bả", "Bã", "Bá", "Bạ"],  # tones only break ties, in their order
        ["Bà An", "Ba Bé"],  # letters first: "ba an" < "ba be" whatever the tones
        ["o", "ô", "ơ", "p"],
        ["u", "ư", "v"],
        ["Xã Lịch Hội Thượng", "Xã Liêu Tú"],  # "lich" < "lieu"
    ],
)
def test_sort_key_follows_the_vietnamese_alphabet(ordered: list[str]) -> None:
    assert sorted(reversed(ordered), key=sort_key) == ordered


@given(st.text(alphabet="abdeouyđăâêôơư ", max_size=8), st.sampled_from(TONES))
def test_a_tone_never_moves_a_word_past_another_letter(base: str, tone: str) -> None:
    toned = unicodedata.normalize("NFC", base + tone) if base and base[-1] != " " else base
    letters_base = sort_key(base)[0]
    assert sort_key(toned)[0] == letters_base


@given(st.text(max_size=30))
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("xa_tai_van", ["xa_tai_van"]),
        ("Xã Tài Văn", ["xa_tai_van"]),
        ("tai van", ["xa_tai_van"]),
        ("TÀI", ["xa_tai_van"]),
        ("lịch hội", ["tt_lich_hoi_thuong", "xa_lich_hoi_thuong"]),
        ("xa lich", ["xa_lich_hoi_thuong"]),
        ("viên", ["xa_vien_an", "xa_vien_binh"]),
        ("Đại Ân 2", ["xa_dai_an_2"]),
        ("ha noi", []),
        ("", []),
    ],
)
def test_units_are_found_by_code_name_or_word_prefix(query: str, codes: list[str]) -> None:
    assert sorted(unit.code for unit in match_units(query, UNITS)) == sorted(codes)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2024-Q1", "2024-Q1"),
        ("2023-h1", "2023-H1"),
        ("Q1", "2025-Q1"),
        ("q3", "2025-Q3"),
        ("quý 1", "2025-Q1"),
        ("Quý I", "2025-Q1"),
        ("quy1", "2025-Q1"),
        ("quý III", "2025-Q3"),
        ("quý 3/2024", "2024-Q3"),
        ("6 tháng", "2025-H1"),
        ("6 tháng đầu năm 2024", "2024-H1"),
        ("năm", "2025-Y"),
        ("cả năm", "2025-Y"),
        ("Năm 2024", "2024-Y"),
        ("quý", None),  # Q1 or Q3
        ("quý 2", None),
        ("2024-Q2", None),
        ("2024", None),
        ("tháng", None),
    ],
)
def test_period_words_mean_this_years_period(text: str, code: str | None) -> None:
    assert parse_period(text, KINDS, 2025) == code


def test_the_unit_words_end_where_a_period_begins() -> None:
    def read(text: str) -> str | None:
        return parse_period(text, KINDS, 2025)

    words = ["Đại", "Ân", "2", "quý", "1", "Thiếu", "số", "liệu", "quý", "3"]
    assert split_unit_and_period(words, read) == ("Đại Ân 2", "2025-Q1", "Thiếu số liệu quý 3")
    assert split_unit_and_period(["xa_tai_van", "2024-Q1"], read) == ("xa_tai_van", "2024-Q1", "")
    assert split_unit_and_period(["Tài", "Văn"], read) is None
    assert split_unit_and_period(["Q1", "Tài"], read) is None  # a unit comes first
