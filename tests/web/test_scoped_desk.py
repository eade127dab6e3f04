"""The web desk of a coordinator of one subtree: the same service checks as the chat."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from cchc_bot.access import Role
from cchc_bot.services.accounts import TelegramIdentity

from .conftest import Desk

SCOPED = 790


async def sign_in_scoped(desk: Desk, scope: str) -> None:
    """Link a coordinator of `scope`'s subtree and sign them in to the desk."""
    invite = await desk.runtime.accounts.create_invite(Role.COORDINATOR, None, scope=scope)
    await desk.runtime.accounts.link(TelegramIdentity(SCOPED, "Điều phối xã"), invite.token)
    actor = await desk.runtime.accounts.resolve_actor(SCOPED)
    assert actor is not None
    desk.actors["scoped"] = actor
    await desk.sign_in("scoped")


async def test_a_scoped_coordinator_sees_and_downloads_their_subtree_only(desk: Desk) -> None:
    await sign_in_scoped(desk, "xa_vien_an")
    dashboard = await (await desk.client.get("/")).text()
    assert "Xã Viên An" in dashboard
    assert "Xã Tài Văn" not in dashboard
    outside = await desk.client.get("/unit/xa_tai_van")
    assert outside.status == 403
    attachment = await desk.client.get("/unit/xa_tai_van/attachment")
    assert attachment.status == 403
    inside = await desk.client.get("/unit/xa_vien_an")
    assert inside.status == 200
    exported = await desk.client.get("/export.xlsx", params={"period": "2024-Q1"})
    assert exported.status == 200
    book = load_workbook(io.BytesIO(await exported.read()))
    codes = {row[1] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert codes == {"xa_vien_an"}
