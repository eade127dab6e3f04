"""Web desk routes through a real HTTP client: sign-in, sessions, CSRF and who may read what."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from handlers.web.desk import CONTENT_SECURITY_POLICY, TEMPLATES
from handlers.web.init_data import sign_init_data
from tests.web.conftest import TOKEN, Desk

UNIT_ROW = re.compile(r'<tr data-unit="([a-z0-9_]+)"')


def init_data(user_id: int, auth_date: dt.datetime, token: str = TOKEN) -> str:
    """initData as Telegram signs it for a Mini App opened by that user."""
    fields = {
        "auth_date": str(int(auth_date.timestamp())),
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps({"id": user_id, "first_name": "Lan", "language_code": "vi"}),
    }
    return sign_init_data(fields, token)


async def mini_app_post(desk: Desk, data: str) -> tuple[int, str]:
    """Open the Mini App page and post the initData as its script would."""
    text = await (await desk.client.get("/app")).text()
    csrf = re.search(r'name="csrf" value="([^"]*)"', text)
    assert csrf is not None
    response = await desk.client.post(
        "/app", data={"csrf": csrf.group(1), "init_data": data}, allow_redirects=False
    )
    return response.status, await response.text()


async def test_a_stranger_sees_how_to_get_access_in_vietnamese(desk: Desk) -> None:
    response = await desk.client.get("/")
    text = await response.text()
    assert response.status == 401
    assert "Cần đăng nhập" in text
    assert "/web" in text
    assert "/start MÃ_MỜI" in text
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["Referrer-Policy"] == "no-referrer"
    for path in ("/unit/xa_tai_van", "/unit/xa_tai_van/attachment", "/export.xlsx", "/export.csv"):
        refused = await desk.client.get(path)
        assert refused.status == 401, path
        assert "Cần đăng nhập" in await refused.text()
    logout = await desk.client.post("/logout", data={}, allow_redirects=False)
    assert logout.status == 303


async def test_a_link_opens_a_strict_http_only_session_and_the_status_table(desk: Desk) -> None:
    token = await desk.link_token("coordinator")
    csrf = await desk.open_login(token)
    response = await desk.client.post(
        "/login", data={"csrf": csrf, "token": token}, allow_redirects=False
    )
    assert response.status == 303
    assert response.headers["Location"] == "/"
    cookie = next(v for v in response.headers.getall("Set-Cookie") if "cchc_session=" in v)
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # served over plain http in this test
    assert token not in cookie
    page = await desk.client.get("/")
    text = await page.text()
    assert page.status == 200
    codes = UNIT_ROW.findall(text)
    assert len(codes) == len(desk.runtime.config.units.units)
    assert "xa_tai_van" in codes
    assert "Tải bảng tổng hợp (XLSX)" in text


async def test_the_status_table_is_in_vietnamese_alphabetical_order(desk: Desk) -> None:
    await desk.sign_in("coordinator")
    text = await (await desk.client.get("/", params={"kind": "xa"})).text()
    names = re.findall(r'<td><a href="/unit/[a-z0-9_]+\?period=[^"]*">([^<]+)</a>', text)
    from cchc_bot.lookup import sort_key

    assert len(names) > 3
    assert names == sorted(names, key=sort_key)


async def test_filters_and_search_narrow_the_table(desk: Desk) -> None:
    await desk.sign_in("coordinator")
    submitted = await (await desk.client.get("/", params={"state": "submitted"})).text()
    assert UNIT_ROW.findall(submitted) == ["xa_tai_van"]
    found = await (await desk.client.get("/", params={"q": "tai van"})).text()
    assert UNIT_ROW.findall(found) == ["xa_tai_van"]
    phong = await (await desk.client.get("/", params={"kind": "phong"})).text()
    assert UNIT_ROW.findall(phong)
    assert all(not code.startswith("xa_") for code in UNIT_ROW.findall(phong))
    communes = await (await desk.client.get("/", params={"group": "cap_xa"})).text()
    codes = UNIT_ROW.findall(communes)
    # units.yaml: every xã is in the group cấp xã, and nothing else is.
    expected = sorted(u.code for u in desk.runtime.config.units.units if u.kind == "xa")
    assert sorted(codes) == expected
    later = await (await desk.client.get("/", params={"period": "2024-Y"})).text()
    assert '<option value="2024-Y" selected>' in later
    assert UNIT_ROW.findall(later)
    assert "xa_tai_van" not in UNIT_ROW.findall(
        await (await desk.client.get("/", params={"period": "2024-Y", "state": "submitted"})).text()
    )
    assert '<option value="2024-Q1" selected>' in submitted
    ignored = await (await desk.client.get("/", params={"state": "<script>"})).text()
    assert len(UNIT_ROW.findall(ignored)) == len(desk.runtime.config.units.units)


async def test_a_replayed_link_is_refused(desk: Desk) -> None:
    token = await desk.link_token("coordinator")
    csrf = await desk.open_login(token)
    first = await desk.client.post(
        "/login", data={"csrf": csrf, "token": token}, allow_redirects=False
    )
    assert first.status == 303
    desk.client.session.cookie_jar.clear_domain("127.0.0.1")
    csrf = await desk.open_login(token)
    again = await desk.client.post("/login", data={"csrf": csrf, "token": token})
    assert again.status == 403
    assert "Đường dẫn đã được dùng" in await again.text()


async def test_an_expired_link_is_refused(desk: Desk) -> None:
    token = await desk.link_token("head_a")
    csrf = await desk.open_login(token)
    desk.clock.advance(dt.timedelta(minutes=10, seconds=1))
    response = await desk.client.post("/login", data={"csrf": csrf, "token": token})
    assert response.status == 403
    assert "Đường dẫn đã hết hạn" in await response.text()


async def test_a_forged_link_is_refused(desk: Desk) -> None:
    csrf = await desk.open_login("x")
    response = await desk.client.post(
        "/login", data={"csrf": csrf, "token": "A" * 32}, allow_redirects=False
    )
    assert response.status == 403
    assert "Đường dẫn không hợp lệ" in await response.text()


async def test_a_sign_in_post_without_csrf_is_refused_and_leaves_the_link_unspent(
    desk: Desk,
) -> None:
    token = await desk.link_token("coordinator")
    await desk.open_login(token)
    refused = await desk.client.post("/login", data={"token": token}, allow_redirects=False)
    assert refused.status == 403
    assert "Biểu mẫu đã cũ" in await refused.text()
    wrong = await desk.client.post(
        "/login", data={"token": token, "csrf": "x" * 43}, allow_redirects=False
    )
    assert wrong.status == 403
    csrf = await desk.open_login(token)
    accepted = await desk.client.post(
        "/login", data={"csrf": csrf, "token": token}, allow_redirects=False
    )
    assert accepted.status == 303


async def test_logout_needs_the_session_csrf_and_then_ends_the_session(desk: Desk) -> None:
    await desk.sign_in("coordinator")
    csrf = await desk.page_csrf()
    refused = await desk.client.post("/logout", data={})
    assert refused.status == 403
    assert (await desk.client.get("/")).status == 200
    done = await desk.client.post("/logout", data={"csrf": csrf})
    assert done.status == 200
    assert "Đã đăng xuất" in await done.text()
    assert (await desk.client.get("/")).status == 401


async def test_a_head_reads_only_their_own_unit(desk: Desk) -> None:
    await desk.sign_in("head_a")
    home = await desk.client.get("/", allow_redirects=False)
    assert home.status == 303
    assert home.headers["Location"] == "/unit/xa_tai_van"
    own = await desk.client.get("/unit/xa_tai_van")
    text = await own.text()
    assert own.status == 200
    assert "Xã Tài Văn" in text
    assert "17/20" in text
    other = await desk.client.get("/unit/xa_vien_an")
    assert other.status == 403
    assert "Không có quyền xem trang này" in await other.text()
    assert (await desk.client.get("/export.xlsx")).status == 403
    assert (await desk.client.get("/export.csv")).status == 403
    assert (await desk.client.get("/unit/xa_vien_an/attachment")).status == 403


@pytest.mark.parametrize("who", ["head_b", "staff_a"])
async def test_unit_members_see_their_unit_but_not_the_district(desk: Desk, who: str) -> None:
    await desk.sign_in(who)
    own = desk.actors[who].unit_code
    assert own is not None
    assert (await desk.client.get(f"/unit/{own}")).status == 200
    other = "xa_vien_an" if own == "xa_tai_van" else "xa_tai_van"
    assert (await desk.client.get(f"/unit/{other}")).status == 403
    assert (await desk.client.get("/export.xlsx")).status == 403


async def test_the_coordinator_reads_a_unit_and_downloads_the_workbook(desk: Desk) -> None:
    await desk.sign_in("coordinator")
    unit = await desk.client.get("/unit/xa_tai_van", params={"period": "2024-Q1"})
    text = await unit.text()
    assert unit.status == 200
    assert "17/20" in text
    # The explanation a unit typed is shown as text, never as markup.
    assert "Kiểm tra &lt;đột xuất&gt; &amp; định kỳ" in text
    assert "Chưa gửi" not in text
    empty = await desk.client.get("/unit/xa_vien_an")
    assert "chưa có số liệu để xem" in await empty.text()
    assert (await desk.client.get("/unit/khong_co")).status == 404
    assert (await desk.client.get("/", params={"period": "2024-Q9"})).status == 404
    workbook = await desk.client.get("/export.xlsx", params={"period": "2024-Q1"})
    assert workbook.status == 200
    assert (await workbook.read())[:2] == b"PK"
    assert ".xlsx" in workbook.headers["Content-Disposition"]
    table = await desk.client.get("/export.csv", params={"period": "2024-Q1"})
    assert table.status == 200
    body = (await table.read()).decode("utf-8")
    assert body.startswith("\ufeff")
    assert "Xã Tài Văn" in body


async def test_names_are_escaped_on_every_page(desk: Desk) -> None:
    await desk.sign_in("staff_a")
    text = await (await desk.client.get("/unit/xa_tai_van")).text()
    assert "Văn thư &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in text
    assert "<script>alert" not in text


async def test_a_revoked_account_loses_its_session_and_its_links(desk: Desk) -> None:
    await desk.sign_in("revoked")
    assert (await desk.client.get("/unit/xa_tai_van")).status == 200
    unused = await desk.link_token("revoked")
    await desk.runtime.accounts.revoke_member(705)
    assert (await desk.client.get("/unit/xa_tai_van")).status == 401
    csrf = await desk.open_login(unused)
    response = await desk.client.post("/login", data={"csrf": csrf, "token": unused})
    assert response.status == 403
    assert "đã bị thu hồi" in await response.text()


async def test_a_session_expires(desk: Desk) -> None:
    await desk.sign_in("coordinator")
    desk.clock.advance(dt.timedelta(hours=12, seconds=1))
    assert (await desk.client.get("/")).status == 401


async def test_mini_app_init_data_signs_a_linked_account_in_once(desk: Desk) -> None:
    data = init_data(701, desk.clock())
    status, _ = await mini_app_post(desk, data)
    assert status == 303
    assert (await desk.client.get("/unit/xa_tai_van")).status == 200
    assert (await desk.client.get("/unit/xa_vien_an")).status == 403
    desk.client.session.cookie_jar.clear_domain("127.0.0.1")
    status, text = await mini_app_post(desk, data)
    assert status == 403
    assert "đã được dùng" in text
    assert (await desk.client.get("/")).status == 401


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("forged", "Không xác thực được từ Telegram"),
        ("tampered", "Không xác thực được từ Telegram"),
        ("expired", "Không xác thực được từ Telegram"),
        ("stranger", "chưa được liên kết"),
        ("revoked", "chưa được liên kết"),
    ],
)
async def test_bad_init_data_signs_nobody_in(desk: Desk, case: str, expected: str) -> None:
    now = desk.clock()
    data = {
        "forged": init_data(704, now, token="7000000002:AAH-someone-elses-token"),
        "tampered": init_data(701, now).replace("701", "704"),
        "expired": init_data(704, now - dt.timedelta(seconds=3601)),
        "stranger": init_data(999, now),
        "revoked": init_data(705, now),
    }[case]
    if case == "revoked":
        await desk.runtime.accounts.revoke_member(705)
    status, text = await mini_app_post(desk, data)
    assert status == 403
    assert expected in text
    assert (await desk.client.get("/")).status == 401


async def test_sign_in_attempts_are_rate_limited(desk: Desk) -> None:
    csrf = await desk.open_login("x")
    statuses = []
    for _ in range(31):
        response = await desk.client.post("/login", data={"csrf": csrf, "token": "B" * 32})
        statuses.append(response.status)
    assert statuses[:30] == [403] * 30
    assert statuses[30] == 429
    token = await desk.link_token("coordinator")
    blocked = await desk.client.post("/login", data={"csrf": csrf, "token": token})
    assert blocked.status == 429
    assert "Thử đăng nhập quá nhiều lần" in await blocked.text()


async def test_assets_are_served_locally_and_unknown_paths_get_a_vietnamese_page(
    desk: Desk,
) -> None:
    css = await desk.client.get("/static/desk.css")
    assert css.status == 200
    assert "--tg-theme-bg-color" in await css.text()
    missing = await desk.client.get("/khong-co-trang-nay")
    assert missing.status == 404
    assert "Không tìm thấy" in await missing.text()
    assert missing.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    wrong_method = await desk.client.put("/login")
    assert wrong_method.status == 405
    assert wrong_method.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    for template in ("base.html", "dashboard.html", "unit.html"):
        text = (TEMPLATES / template).read_text(encoding="utf-8")
        assert "http://" not in text
        assert "https://" not in text
        assert "style=" not in text
        assert "<script>" not in text
