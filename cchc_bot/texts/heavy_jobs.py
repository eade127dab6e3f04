"""Chat wording for heavy jobs (status, exports, report drafts) when all slots are busy."""

from __future__ import annotations

BUSY = "⏳ Hệ thống đang bận lập báo cáo, tệp cho người khác. Xin vui lòng thử lại sau ít phút."
