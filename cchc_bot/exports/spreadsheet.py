"""Spreadsheet safety: text that goes into XLSX or CSV cells can never become a formula."""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def neutralise_cell(text: str) -> str:
    """Prefix text that a spreadsheet would read as a formula with an apostrophe (OWASP)."""
    if text and text[0] in FORMULA_TRIGGERS:
        return "'" + text
    return text
