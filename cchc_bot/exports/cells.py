"""The cells of the export's tables: a value and a style, shared by the XLSX, CSV and layout."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from enum import Enum
from typing import NamedTuple


class Style(Enum):
    """How a cell is stored and formatted."""

    # Members are singletons compared by identity; Enum's own __hash__ (of the name, in Python)
    # is a measurable share of the export's hot loop at province scale.
    __hash__ = object.__hash__

    TEXT = "text"
    WRAP = "wrap"
    COUNT = "count"
    DECIMAL = "decimal"
    PERCENT = "percent"
    DATETIME = "datetime"
    NOT_ASKED = "not_asked"
    HEADER = "header"
    SECTION = "section"
    TITLE = "title"
    LABEL = "label"


CellValue = str | Decimal | int | dt.datetime | None


class Cell(NamedTuple):
    """One cell of a table: a percent is in percent units (85,5 means 85,5 %)."""

    value: CellValue
    style: Style = Style.TEXT


Row = Sequence[Cell]
