"""Every command for every kind of account: allowed or refused, and refusals change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from cchc_bot.access import Role
from db.models import Period, ReminderLog, Submission

from .conftest import Harness

STRANGER, HEAD_A, STAFF_A, HEAD_B, COORDINATOR, REVOKED = 5001, 5002, 5003, 5004, 5005, 5006
NOT_LINKED = "chưa được liên kết"
COORDINATORS_ONLY = "chỉ dành cho Phòng Nội vụ"
UNIT_MEMBERS_ONLY = "dành cho thủ trưởng và công chức"

# command -> expected reply fragment per account (None: allowed, checked by `ALLOWED`).
MATRIX: dict[str, dict[int, str | None]] = {
    "/report": {STRANGER: NOT_LINKED, REVOKED: NOT_LINKED, COORDINATOR: UNIT_MEMBERS_ONLY},
    "/cancel": {STRANGER: NOT_LINKED, REVOKED: NOT_LINKED, COORDINATOR: UNIT_MEMBERS_ONLY},
    "/status": {STRANGER: NOT_LINKED, REVOKED: NOT_LINKED},
    "/remind": {
        STRANGER: NOT_LINKED,
        REVOKED: NOT_LINKED,
        HEAD_A: COORDINATORS_ONLY,
        STAFF_A: COORDINATORS_ONLY,
        HEAD_B: COORDINATORS_ONLY,
    },
    "/export": {
        STRANGER: NOT_LINKED,
        REVOKED: NOT_LINKED,
        HEAD_A: COORDINATORS_ONLY,
        STAFF_A: COORDINATORS_ONLY,
        HEAD_B: COORDINATORS_ONLY,
    },
    "/return xa_tai_van 2024-Q1 sai số liệu": {
        STRANGER: NOT_LINKED,
        REVOKED: NOT_LINKED,
        HEAD_A: COORDINATORS_ONLY,
        STAFF_A: COORDINATORS_ONLY,
        HEAD_B: COORDINATORS_ONLY,
    },
    "/close 2024-Q1": {
        STRANGER: NOT_LINKED,
        REVOKED: NOT_LINKED,
        HEAD_A: COORDINATORS_ONLY,
        STAFF_A: COORDINATORS_ONLY,
        HEAD_B: COORDINATORS_ONLY,
    },
}
# What an allowed command answers, per command (any account it is allowed to).
ALLOWED = {
    "/report": "Câu 1/",
    "/cancel": "báo cáo",
    "/status": "Quý I/2024",
    "/remind": "Nhắc báo cáo",
    "/export": "",
    "/return xa_tai_van 2024-Q1 sai số liệu": "chưa gửi báo cáo",
    "/close 2024-Q1": "Đã đóng kỳ",
}
ACCOUNTS = [STRANGER, HEAD_A, STAFF_A, HEAD_B, COORDINATOR, REVOKED]


async def footprint(harness: Harness) -> tuple[int, int, int]:
    """Rows a refused command must not have created."""
    async with harness.runtime.session_factory() as session:
        return (
            await session.scalar(select(func.count()).select_from(Submission)) or 0,
            await session.scalar(select(func.count()).select_from(ReminderLog)) or 0,
            await session.scalar(
                select(func.count()).select_from(Period).where(Period.override.is_not(None))
            )
            or 0,
        )


@pytest.mark.parametrize("command", list(MATRIX))
async def test_each_account_is_allowed_or_refused_each_command(
    harness: Harness, command: str
) -> None:
    harness.user(STRANGER)
    await harness.link(HEAD_A, Role.HEAD, "xa_tai_van")
    await harness.link(STAFF_A, Role.STAFF, "xa_tai_van")
    await harness.link(HEAD_B, Role.HEAD, "xa_vien_an")
    await harness.link(COORDINATOR, Role.COORDINATOR)
    await harness.link(REVOKED, Role.HEAD, "xa_tai_van")
    await harness.runtime.accounts.revoke_member(REVOKED)
    for account in ACCOUNTS:
        refusal = MATRIX[command].get(account)
        before = await footprint(harness)
        answers = await harness.say(account, command)
        text = " ".join(m.text or m.caption or "" for m in answers)
        if refusal is not None:
            assert refusal in text, (account, command, text)
            assert await footprint(harness) == before, (account, command)
        else:
            assert refusal is None
            assert ALLOWED[command] in text or any(m.document for m in answers), (
                account,
                command,
                text,
            )
            for forbidden in (NOT_LINKED, COORDINATORS_ONLY, UNIT_MEMBERS_ONLY):
                assert forbidden not in text, (account, command, text)


async def test_a_head_sees_only_their_own_unit_in_status(harness: Harness) -> None:
    await harness.link(HEAD_B, Role.HEAD, "xa_vien_an")
    text = (await harness.say(HEAD_B, "/status"))[0].text or ""
    assert "Xã Viên An" in text
    assert "Xã Tài Văn" not in text
    assert "Nộp đúng hạn" not in text  # no district counts for a head
