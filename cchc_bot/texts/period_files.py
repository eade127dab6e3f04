"""Wording around the period's files: the hint from the XLSX to the DOCX report draft."""

EXPORT_DOCX_HINT = "\n📝 Dự thảo báo cáo bằng Word: /export {code} docx (hoặc /duthao {code})."
