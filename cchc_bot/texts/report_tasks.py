"""Wording of the plan annex's tasks in the district report (done / late / not started)."""

TASKS_TITLE = "Thực hiện các nhiệm vụ của Kế hoạch (tính đến ngày {as_of}):"
TASKS_COUNTS = (
    "Có {due} nhiệm vụ đến hạn (theo cơ quan chủ trì): hoàn thành đúng hạn {on_time}, "
    "hoàn thành trễ hạn {late}, đang thực hiện {in_progress}, chưa thực hiện {not_started}; "
    "quá hạn chưa hoàn thành {overdue}; tỷ lệ hoàn thành đúng hạn {rate}."
)
TASKS_NONE_DUE = "Chưa có nhiệm vụ nào của Kế hoạch đến hạn."
NO_RATE = "chưa tính được"
BUCKET_DONE = "Đã hoàn thành:"
BUCKET_LATE = "Quá hạn, chưa hoàn thành:"
BUCKET_NOT_STARTED = "Đến hạn, chưa thực hiện:"
TASK_LINE = "- {title} (hạn {due}): {leads}."
RECURRING_DUE = "mỗi kỳ"
LEAD_DONE_LATE = "{name} (trễ hạn, xong ngày {day})"
LEAD_STATUS = "{name} ({status})"
LEAD_EXPLAINED = "{name} ({status}; lý do: {explanation})"
