"""Wording of the district report's sentences by group (cấp huyện / cấp xã / ngành dọc)."""

# "Theo nhóm, tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn: cấp huyện 99,35 %, cấp xã 98,78 %."
BY_GROUP = "Theo nhóm, {label}: {parts}."
GROUP_FIGURE = "{group} {figure}"
GROUP_MISSED = " (chưa đạt mục tiêu {target})"
