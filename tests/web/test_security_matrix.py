"""Who may reach every route of the desk: each role, another unit, strangers, CSRF, XSS."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from cchc_bot.access import Role
from cchc_bot.services.accounts import TelegramIdentity
from db.models import Answer, AuditEvent, Period, Submission, Unit

from .conftest import Desk

GETS = (
    "/",
    "/unit/xa_tai_van",
    "/unit/xa_tai_van/attachment",
    "/export.xlsx",
    "/export.csv",
    "/chart.png",
    "/form",
)
POSTS = (
    "/unit/xa_tai_van/return",
    "/period/2024-Q1/close",
    "/period/2024-Q1/reopen",
    "/form/{id}/save",
    "/form/{id}/submit",
    "/form/{id}/attachment",
    "/form/{id}/revise",
    "/form/{id}/approval",
)
# What each person gets, route by route (Tài Văn submitted Quý I; Viên An has not).
# 303: a redirect after a post; 409: the form refuses a report that is not a draft.
EXPECTED: dict[str, dict[str, int]] = {
    "head_b": {  # another unit's head: only their own form
        "/": 303,
        "/unit/xa_tai_van": 403,
        "/unit/xa_tai_van/attachment": 403,
        "/export.xlsx": 403,
        "/export.csv": 403,
        "/chart.png": 403,
        "/form": 200,
        **dict.fromkeys(POSTS, 403),
    },
    "coordinator": {  # the desk and its actions, never a unit's form
        "/": 200,
        "/unit/xa_tai_van": 200,
        "/unit/xa_tai_van/attachment": 404,  # no file was attached
        "/export.xlsx": 200,
        "/export.csv": 200,
        "/chart.png": 200,
        "/form": 403,
        "/unit/xa_tai_van/return": 303,
        "/period/2024-Q1/close": 303,
        "/period/2024-Q1/reopen": 303,
        **{path: 403 for path in POSTS if path.startswith("/form")},
    },
}


async def tai_van_submission(desk: Desk) -> int:
    """The id of Tài Văn's submitted Quý I report."""
    async with desk.runtime.session_factory() as session:
        found = await session.scalar(
            select(Submission.id)
            .join(Unit, Unit.id == Submission.unit_id)
            .where(Unit.code == "xa_tai_van")
        )
        assert found is not None
        return found


async def post(desk: Desk, path: str, csrf: str) -> int:
    """Post a plausible body to a route; its status."""
    data = {"csrf": csrf, "reason": "Số liệu câu 2 chưa khớp sổ theo dõi.", "period": "2024-Q1"}
    response = await desk.client.post(path, data=data, allow_redirects=False)
    return response.status


@pytest.mark.parametrize("who", ["head_b", "coordinator"])
async def test_each_person_reaches_exactly_their_routes(desk: Desk, who: str) -> None:
    submission_id = await tai_van_submission(desk)
    await desk.sign_in(who)
    csrf = await desk.page_csrf()
    got: dict[str, int] = {}
    for path in GETS:
        got[path] = (await desk.client.get(path, allow_redirects=False)).status
    for path in POSTS:
        got[path] = await post(desk, path.format(id=submission_id), csrf)
    assert got == EXPECTED[who]


@pytest.mark.parametrize("who", ["stranger", "revoked", "expired"])
async def test_nobody_signed_in_reaches_nothing_but_the_way_in(desk: Desk, who: str) -> None:
    submission_id = await tai_van_submission(desk)
    csrf = ""
    if who != "stranger":
        await desk.sign_in("revoked" if who == "revoked" else "head_a")
        csrf = await desk.page_csrf()
        if who == "revoked":
            await desk.runtime.accounts.revoke_member(705)
        else:
            desk.clock.advance(dt.timedelta(hours=12, seconds=1))
    for path in GETS:
        response = await desk.client.get(path, allow_redirects=False)
        assert response.status == 401, path
        assert "Cần đăng nhập" in await response.text()
    for path in POSTS:
        assert await post(desk, path.format(id=submission_id), csrf) == 401, path


@pytest.mark.parametrize("token", ["", "0" * 64])
async def test_every_post_without_the_sessions_csrf_token_changes_nothing(
    desk: Desk, token: str
) -> None:
    head_draft = await desk.runtime.reports.start(desk.actors["head_b"])
    assert head_draft.screen is not None
    draft_id = head_draft.screen.submission_id
    await desk.sign_in("coordinator")
    for path in POSTS[:3]:
        assert await post(desk, path, token) == 403, path
    await desk.sign_in("head_b")
    for path in POSTS[3:]:
        data = {"csrf": token, "section": "1", "only": "cddh_02", "v.cddh_02": "9"}
        response = await desk.client.post(path.format(id=draft_id), data=data)
        assert response.status == 403, path
        assert 'data-reason="csrf"' in await response.text(), path
    async with desk.runtime.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Answer)) == 0
        period = await session.scalar(select(Period).where(Period.code == "2024-Q1"))
        assert period is not None
        assert period.override is None
        returned = await session.scalar(
            select(func.count()).select_from(Submission).where(Submission.state == "returned")
        )
        assert returned == 0


async def test_a_head_cannot_write_another_units_draft(desk: Desk) -> None:
    other = await desk.runtime.reports.start(desk.actors["head_b"])
    assert other.screen is not None
    await desk.sign_in("head_a")
    csrf = await desk.page_csrf()
    data = {"csrf": csrf, "section": "1", "only": "cddh_02", "v.cddh_02": "9"}
    response = await desk.client.post(f"/form/{other.screen.submission_id}/save", data=data)
    assert response.status == 403
    async with desk.runtime.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Answer)) == 0


async def test_unit_names_and_answers_are_escaped_in_the_form(desk: Desk) -> None:
    await desk.sign_in("head_b")
    page = await (await desk.client.get("/form")).text()
    found = re.search(r'action="/form/(\d+)/save"', page)
    csrf = re.search(r'name="csrf" value="([^"]*)"', page)
    assert found is not None
    assert csrf is not None
    script = "<script>alert(1)</script> Kế hoạch tự kiểm tra"
    text_field = re.search(r'<textarea name="v\.([a-z0-9_]+)"', page)
    if text_field is None:  # no text question in section 1: take the first one anywhere
        sections = len(re.findall(r"section=\d+", page))
        for number in range(2, sections + 1):
            later = await (await desk.client.get("/form", params={"section": number})).text()
            text_field = re.search(r'<textarea name="v\.([a-z0-9_]+)"', later)
            if text_field is not None:
                section = number
                break
    else:
        section = 1
    assert text_field is not None
    ident = text_field.group(1)
    response = await desk.client.post(
        f"/form/{found.group(1)}/save",
        data={"csrf": csrf.group(1), "section": str(section), "only": ident, f"v.{ident}": script},
        headers={"Accept": "application/json"},
    )
    fragment = (await response.json())["fields"][ident]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in fragment
    assert "<script>" not in fragment
    again = await (await desk.client.get("/form", params={"section": section})).text()
    assert "<script>alert" not in again


async def test_downloads_cannot_be_traversed_or_guessed(desk: Desk) -> None:
    await desk.sign_in("head_a")
    for path in (
        "/unit/..%2F..%2Fetc%2Fpasswd/attachment",
        "/unit/xa_tai_van/../../export.xlsx",
        "/static/../desk.py",
        "/static/%2e%2e/desk.py",
        "/form/1%2F..%2F2/save",
    ):
        response = await desk.client.get(path, allow_redirects=False)
        assert response.status in (403, 404, 405), path
        assert "import" not in await response.text()


async def test_desk_actions_are_audited_like_their_chat_twins(desk: Desk) -> None:
    await desk.sign_in("coordinator")
    csrf = await desk.page_csrf()
    assert await post(desk, "/period/2024-Q1/close", csrf) == 303
    assert await post(desk, "/unit/xa_tai_van/return", csrf) == 303
    async with desk.runtime.session_factory() as session:
        actions = set((await session.scalars(select(AuditEvent.action))).all())
    assert {"period_closed", "report_returned"} <= actions


async def test_a_scoped_coordinator_reaches_only_their_subtree(desk: Desk) -> None:
    invite = await desk.runtime.accounts.create_invite(Role.COORDINATOR, None, scope="xa_vien_an")
    await desk.runtime.accounts.link(TelegramIdentity(706, "Chuyên viên phụ trách"), invite.token)
    scoped = await desk.runtime.accounts.resolve_actor(706)
    assert scoped is not None
    desk.actors["scoped"] = scoped
    await desk.sign_in("scoped")
    home = await (await desk.client.get("/")).text()
    assert re.findall(r'<tr data-unit="([a-z0-9_]+)"', home) == ["xa_vien_an"]
    assert (await desk.client.get("/unit/xa_tai_van")).status == 403
    csrf = await desk.page_csrf()
    assert await post(desk, "/unit/xa_tai_van/return", csrf) == 403
    async with desk.runtime.session_factory() as session:
        state = await session.scalar(
            select(Submission.state)
            .join(Unit, Unit.id == Submission.unit_id)
            .where(Unit.code == "xa_tai_van")
        )
    assert state == "submitted"
