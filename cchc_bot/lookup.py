"""What people type for a unit or a period: Vietnamese folding, sort order and matching."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

# Tone marks in the traditional order: ngang (none), huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Marks that make another letter: ă (breve), â ê ô (circumflex), ơ ư (horn).
_LETTER_MARKS = {"\u0306": 1, "\u0302": 2, "\u031b": 3}
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
_CODE = re.compile(r"(?P<year>[0-9]{4})-(?P<kind>[a-z0-9]{1,4})")
_FILLERS = ("ca", "bao cao", "ky")


def fold(text: str) -> str:
    """Lower case, no accents or tones, "đ" as "d", blanks collapsed: "Xã Đại Ân" -> "xa dai an"."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.split())


def sort_key(text: str) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...], str]:
    """Vietnamese dictionary order: letters first (a < ă < â, d < đ), tones only to break ties."""
    letters: list[tuple[int, int]] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFD", text.casefold()):
        if ch in _TONES and letters:
            tones[-1] = _TONES[ch]
        elif ch in _LETTER_MARKS and letters:
            base, mark = letters[-1]
            letters[-1] = (base, mark + _LETTER_MARKS[ch])
        elif unicodedata.combining(ch):
            continue
        elif ch == "đ":
            letters.append((ord("d"), 1))
            tones.append(0)
        else:
            letters.append((ord(" ") if ch.isspace() else ord(ch), 0))
            tones.append(0)
    return tuple(letters), tuple(tones), text


class Named(Protocol):
    """Anything with a unit's code and name."""

    @property
    def code(self) -> str:
        """The unit code."""
        ...

    @property
    def name(self) -> str:
        """The unit's display name."""
        ...


N = TypeVar("N", bound=Named)


def match_units(query: str, units: Sequence[N]) -> list[N]:
    """The units a typed name means: its code, its name, or a unique word-start prefix of it.

    Case and accents are ignored. An exact code or name wins; otherwise every unit whose
    name has a word starting the typed text is a candidate ("tài văn" finds "Xã Tài Văn").
    """
    wanted = fold(query)
    if not wanted:
        return []
    exact = [unit for unit in units if unit.code == wanted.replace(" ", "_")]
    exact += [unit for unit in units if fold(unit.name) == wanted and unit not in exact]
    if exact:
        return exact
    found: list[N] = []
    for unit in units:
        words = fold(unit.name).split(" ")
        tails = (" ".join(words[index:]) for index in range(len(words)))
        if any(tail.startswith(wanted) for tail in tails) or unit.code.startswith(wanted):
            found.append(unit)
    return sorted(found, key=lambda unit: sort_key(unit.name))


@dataclass(frozen=True)
class PeriodKind:
    """A period kind of the schedule: its code ("Q1") and label ("Quý I")."""

    code: str
    label: str


def _numbers(words: list[str]) -> list[str]:
    return [_ROMAN.get(word, word) for word in words]


def parse_period(text: str, kinds: Sequence[PeriodKind], current_year: int) -> str | None:
    """A period code from what a coordinator types: "2024-Q1", "Q1", "quý 1", "6 tháng", "năm".

    Without a year the current year is meant; a year may follow ("quý 1/2024", "năm 2024").
    Returns None when the text names no period kind (or names several).
    """
    folded = fold(text).replace("/", " ")
    coded = _CODE.fullmatch(folded)
    if coded is not None:
        kind = coded["kind"].upper()
        return f"{coded['year']}-{kind}" if any(k.code == kind for k in kinds) else None
    words = folded.split(" ")
    year = current_year
    if words and _YEAR.fullmatch(words[-1]):
        year = int(words.pop())
    phrase = " ".join(_numbers(words))
    for filler in _FILLERS:
        phrase = phrase.removeprefix(filler + " ")
    if not phrase:
        return None
    spaced = re.sub(r"^([a-z]+)(\d+)$", r"\1 \2", phrase)  # "quy1" -> "quy 1"
    matches: list[PeriodKind] = []
    for kind in kinds:
        label = " ".join(_numbers(fold(kind.label).split(" ")))
        if phrase in (kind.code.lower(), label) or spaced == label:
            return f"{year}-{kind.code}"
        if (label + " ").startswith(phrase + " ") or (label + " ").startswith(spaced + " "):
            matches.append(kind)
    return f"{year}-{matches[0].code}" if len(matches) == 1 else None


def split_unit_and_period(
    words: Sequence[str], read_period: Callable[[str], str | None], *, longest: int = 6
) -> tuple[str, str, str] | None:
    """Split "Tài Văn quý 1 Thiếu số liệu" into (unit words, period code, the rest).

    The period is the first run of words (after at least one unit word) that reads as one,
    the longest such run at that place; None if no run does.
    """
    for start in range(1, len(words)):
        for length in range(min(longest, len(words) - start), 0, -1):
            code = read_period(" ".join(words[start : start + length]))
            if code is not None:
                return (
                    " ".join(words[:start]),
                    code,
                    " ".join(words[start + length :]),
                )
    return None
