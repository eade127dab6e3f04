"""The page and header block of an administrative document (Nghị định 30/2020/NĐ-CP)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from cchc_bot.texts import documents as words

FONT = "Times New Roman"
BODY_SIZE = Pt(14)
HEADER_SIZE = Pt(13)
SMALL_SIZE = Pt(12)
TABLE_SIZE = Pt(11)
# XML 1.0 has no place for most control characters: they would make the file unreadable.
_PERCENT_SPACE = re.compile(r"(\d) %")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Header:
    """The header block and signature of one document."""

    parent: str | None
    issuer: str
    number: str
    place: str
    year: int
    kind: str
    title: str
    recipients: Sequence[str]
    signer_authority: str
    signer_title: str
    signer_name: str = ""


def clean(text: str) -> str:
    """Text safe inside the document's XML (control characters dropped, all else kept).

    "99,12 %" keeps its sign on the line of its number (a no-break space between them).
    """
    return _PERCENT_SPACE.sub("\\1\u00a0%", _NOT_XML.sub("", text))


def create() -> Document:
    """A blank A4 document with the decree's margins and Times New Roman 14."""
    document = new_document()
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
    for name in ("Normal", "Heading 1", "Heading 2", "Table Grid"):
        style = document.styles[name]
        font = style.font
        font.name = FONT
        font.size = BODY_SIZE
        font.color.rgb = None
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), FONT)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)  # a theme font would win over Times New Roman
        if name.startswith("Heading"):
            font.bold = True
            font.italic = False
            style.paragraph_format.space_before = Pt(6)
            style.paragraph_format.space_after = Pt(6)
    normal = document.styles["Normal"].paragraph_format
    normal.space_after = Pt(6)
    normal.first_line_indent = None
    return document


def landscape_section(document: Document) -> None:
    """Start a new page in landscape A4 (for the annex's wide tables), same margins."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(20), Mm(15)


def paragraph(
    container: Document | _Cell,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: Pt | None = None,
    center: bool = False,
    indent: bool = False,
) -> Paragraph:
    """One paragraph of text in the document or a table cell."""
    result = container.add_paragraph()
    if text:
        run = result.add_run(clean(text))
        run.bold, run.italic = bold, italic
        if size is not None:
            run.font.size = size
    if center:
        result.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        result.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent:
        result.paragraph_format.first_line_indent = Mm(10)
    return result


def to_fill(container: Document | _Cell, text: str) -> Paragraph:
    """A bold, yellow-highlighted place for what only the drafting office can write."""
    result = container.add_paragraph()
    run = result.add_run(clean(text))
    run.bold = True
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    result.paragraph_format.first_line_indent = Mm(10)
    return result


def heading(document: Document, text: str, level: int = 1) -> Paragraph:
    """A section heading (Word heading style, so the navigation pane lists it)."""
    result: Paragraph = document.add_heading(clean(text), level=level)
    return result


def _columns(table: Table, *widths: Length) -> list[_Cell]:
    """Fix the column widths of a table (Word and LibreOffice both read the grid)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
    return list(table.rows[0].cells)


def _compact(cell: _Cell) -> None:
    """Drop the empty first paragraph a new cell has."""
    first = cell.paragraphs[0]
    if not first.text:
        first._element.getparent().remove(first._element)


def add_header(document: Document, header: Header) -> None:
    """The issuer and Quốc hiệu block, then tên loại and trích yếu."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = _columns(table, Mm(65), Mm(100))
    if header.parent:
        paragraph(left, header.parent.upper(), size=HEADER_SIZE, center=True)
    paragraph(left, header.issuer.upper(), bold=True, size=HEADER_SIZE, center=True)
    paragraph(left, "———", size=HEADER_SIZE, center=True)
    paragraph(left, words.NUMBER.format(code=header.number), size=HEADER_SIZE, center=True)
    paragraph(right, words.NATION, bold=True, size=SMALL_SIZE, center=True)
    paragraph(right, words.MOTTO, bold=True, size=HEADER_SIZE, center=True)
    paragraph(right, "———————————", size=HEADER_SIZE, center=True)
    paragraph(
        right,
        words.PLACE_AND_DATE.format(place=header.place, year=header.year),
        italic=True,
        size=HEADER_SIZE,
        center=True,
    )
    for cell in (left, right):
        _compact(cell)
        for item in cell.paragraphs:
            item.paragraph_format.space_after = Pt(0)
    paragraph(document)
    paragraph(document, header.kind, bold=True, center=True)
    paragraph(document, header.title, bold=True, center=True)
    paragraph(document, "—————", center=True)


def add_signature(document: Document, header: Header) -> None:
    """Nơi nhận on the left, the signer's title block on the right."""
    paragraph(document)
    table = document.add_table(rows=1, cols=2)
    left, right = _columns(table, Mm(80), Mm(85))
    paragraph(left, words.RECIPIENTS, bold=True, italic=True, size=SMALL_SIZE)
    for recipient in header.recipients:
        text = recipient.strip().rstrip(";.")
        paragraph(left, f"- {text};", size=Pt(11))
    if left.paragraphs[-1].text.endswith(";") and len(left.paragraphs) > 2:
        last = left.paragraphs[-1]
        last.runs[0].text = last.runs[0].text[:-1] + "."
    if header.signer_authority:
        paragraph(right, header.signer_authority.upper(), bold=True, center=True)
    paragraph(right, header.signer_title.upper(), bold=True, center=True)
    for _ in range(4):
        paragraph(right)
    if header.signer_name:
        paragraph(right, header.signer_name, bold=True, center=True)
    for cell in (left, right):
        _compact(cell)
        for item in cell.paragraphs:
            item.paragraph_format.space_after = Pt(0)


def add_table(
    document: Document,
    head: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    widths: Sequence[Length] = (),
    size: Length = TABLE_SIZE,
) -> None:
    """A bordered table with a bold header row (figures as written text)."""
    table = document.add_table(rows=1, cols=len(head))
    table.style = document.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        _fill(cell, text, size, bold=True)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            _fill(cell, text, size, bold=False)
    if widths:
        _columns(table, *widths)


def _fill(cell: _Cell, text: str, size: Length, *, bold: bool) -> None:
    item = cell.paragraphs[0]
    run = item.add_run(clean(text))
    run.bold = bold
    run.font.size = size
    item.paragraph_format.space_after = Pt(0)
