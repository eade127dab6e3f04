"""Figures loaded from a workbook ("nhập từ tệp"): read cells, check them as a chat answer."""

IMPORT_SOURCE = "import"
"""`submission_versions.source` of figures loaded from a workbook by `cchc-bot import`."""
