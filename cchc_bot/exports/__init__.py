"""Exports of a period: the XLSX workbook, the CSV table, the status chart."""
