"""The ready-made people a trainer plays in the sandbox, and finding one by a typed name."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from cchc_bot.access import Role


@dataclass(frozen=True)
class Persona:
    """A Telegram account linked on start through a real invite."""

    key: str
    label: str
    name: str
    user_id: int
    role: Role
    unit_code: str | None

    def aliases(self) -> tuple[str, ...]:
        """Everything `/as` may match, folded."""
        return tuple(fold(text) for text in (self.key, self.label, self.name))


PERSONAS: tuple[Persona, ...] = (
    Persona(
        key="tai_van",
        label="Chủ tịch UBND Xã Tài Văn (thủ trưởng)",
        name="Trần Văn Tài",
        user_id=910_001,
        role=Role.HEAD,
        unit_code="xa_tai_van",
    ),
    Persona(
        key="tu_phap",
        label="Công chức Phòng Tư pháp (nhập số liệu)",
        name="Lê Thị Hạnh",
        user_id=910_002,
        role=Role.STAFF,
        unit_code="p_tu_phap",
    ),
    Persona(
        key="noi_vu",
        label="Chuyên viên Phòng Nội vụ (điều phối)",
        name="Nguyễn Thị Nội",
        user_id=910_003,
        role=Role.COORDINATOR,
        unit_code=None,
    ),
)


def fold(text: str) -> str:
    """Lower case, no diacritics (đ is d), letters and digits only: "Tài Văn" -> "taivan"."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(
        char for char in decomposed if unicodedata.category(char) != "Mn" and char.isalnum()
    )


class PersonaNotFoundError(LookupError):
    """No persona, or more than one, matches what was typed."""


def find_persona(query: str, personas: tuple[Persona, ...] = PERSONAS) -> Persona:
    """The one persona whose key, label or name is or contains the query (folded)."""
    wanted = fold(query)
    if not wanted:
        raise PersonaNotFoundError(query)
    exact = [p for p in personas if wanted in p.aliases()]
    if len(exact) == 1:
        return exact[0]
    found = [p for p in personas if any(wanted in alias for alias in p.aliases())]
    if len(found) == 1:
        return found[0]
    raise PersonaNotFoundError(query, tuple(p.key for p in found))
