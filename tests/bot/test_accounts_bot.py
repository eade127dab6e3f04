"""Linking over Telegram: /start with and without tokens, menus by role, groups, 403."""

from __future__ import annotations

import datetime as dt

from cchc_bot.access import Role
from cchc_bot.services.directory import list_members
from cchc_bot.services.reminders import DeliveryResult, ReminderMessage
from handlers.telegram.reminder_delivery import deliver

from .conftest import Harness

HEAD = 2001
STAFF = 2002
COORDINATOR = 2003
STRANGER = 2999


async def test_start_without_token_explains_access_and_shows_the_telegram_id(
    harness: Harness,
) -> None:
    harness.user(STRANGER)
    answers = await harness.say(STRANGER, "/start")
    assert len(answers) == 1
    assert str(STRANGER) in (answers[0].text or "")
    assert "Phòng Nội vụ" in (answers[0].text or "")


async def test_linking_greets_by_unit_and_sets_the_role_menu(harness: Harness) -> None:
    invite = await harness.runtime.accounts.create_invite(Role.HEAD, "xa_tai_van")
    harness.user(HEAD, "Lâm Văn Hải")
    answers = await harness.say(HEAD, f"/start {invite.token}")
    assert "Xã Tài Văn" in (answers[-1].text or "")
    assert "/report" in (answers[-1].text or "")
    head_menu = [c["command"] for c in harness.server.commands_for(HEAD, HEAD)]
    assert head_menu == ["report", "status", "help", "cancel"]
    await harness.link(COORDINATOR, Role.COORDINATOR)
    coordinator_menu = [c["command"] for c in harness.server.commands_for(COORDINATOR, COORDINATOR)]
    assert coordinator_menu == [
        "status",
        "remind",
        "export",
        "draftreport",
        "tasks",
        "view",
        "return",
        "help",
    ]
    harness.user(STRANGER)
    assert [c["command"] for c in harness.server.commands_for(STRANGER, STRANGER)] == [
        "start",
        "help",
    ]


async def test_each_bad_token_gets_its_own_reply_and_links_nothing(harness: Harness) -> None:
    used = await harness.runtime.accounts.create_invite(Role.HEAD, "xa_tai_van")
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    harness.user(STRANGER)
    await harness.say(STRANGER, "/start")  # a used token must be told apart from a wrong one
    answers = await harness.say(STRANGER, "/start abc")
    assert "không đúng định dạng" in (answers[0].text or "")
    answers = await harness.say(STRANGER, "/start " + "Z" * 32)
    assert "Mã mời không đúng" in (answers[0].text or "")
    harness.user(STAFF)
    await harness.say(STAFF, f"/start {used.token}")
    answers = await harness.say(STRANGER, f"/start {used.token}")
    assert "đã được sử dụng" in (answers[0].text or "")
    assert await harness.runtime.accounts.resolve_actor(STRANGER) is None


async def test_relinking_asks_before_changing_the_unit(harness: Harness) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    other = await harness.runtime.accounts.create_invite(Role.HEAD, "xa_vien_an")
    answers = await harness.say(HEAD, f"/start {other.token}")
    assert "Xã Viên An" in (answers[0].text or "")
    answers = await harness.press(HEAD, "✖️ Giữ nguyên")
    actor = await harness.runtime.accounts.resolve_actor(HEAD)
    assert actor is not None
    assert actor.unit_code == "xa_tai_van"
    await harness.say(HEAD, f"/start {other.token}")
    await harness.press(HEAD, "✅ Đồng ý đổi")
    actor = await harness.runtime.accounts.resolve_actor(HEAD)
    assert actor is not None
    assert actor.unit_code == "xa_vien_an"


async def test_help_answers_by_role(harness: Harness) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.link(COORDINATOR, Role.COORDINATOR)
    harness.user(STRANGER)
    head_help = (await harness.say(HEAD, "/huongdan"))[0].text or ""
    coordinator_help = (await harness.say(COORDINATOR, "/help"))[0].text or ""
    stranger_help = (await harness.say(STRANGER, "/help"))[0].text or ""
    assert "/report" in head_help
    assert "/export" not in head_help
    assert "/export" in coordinator_help
    assert "/start MÃ_MỜI" in stranger_help


async def test_in_a_group_the_bot_answers_once_and_reveals_nothing(harness: Harness) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    group = harness.server.add_chat("group", members=[HEAD])
    harness.server.send_text(HEAD, "/status", chat_id=group.id)
    answers = await harness.server.wait_for_bot_messages(group.id, 1, timeout=10)
    await harness.server.wait_until_idle(quiet=0.15)
    answers = harness.server.bot_messages(group.id)
    assert len(answers) == 1
    assert "tin nhắn riêng" in (answers[0].text or "")


async def test_a_blocked_bot_marks_the_member_unreachable(harness: Harness) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.link(STAFF, Role.STAFF, "xa_tai_van")
    harness.server.block_bot(HEAD)
    application = harness.application
    assert application is not None

    async def send(message: ReminderMessage) -> DeliveryResult:
        return await deliver(application.bot, message)

    report = await harness.runtime.reminders.run(send, at=at_hanoi("2024-03-07T08:01"))
    assert [item.telegram_user_id for item in report.unreachable] == [HEAD]
    assert [item.telegram_user_id for item in report.sent] == [STAFF]
    listed = {m.telegram_user_id: m for m in await list_members(harness.runtime.session_factory)}
    assert listed[HEAD].reachable is False
    assert listed[STAFF].reachable is True
    status = await harness.runtime.status.district_status("2024-Q1")
    tai_van = next(unit for unit in status.units if unit.code == "xa_tai_van")
    assert tai_van.reachable is True  # the staff member still gets messages


def at_hanoi(text: str) -> dt.datetime:
    """An instant in Hanoi time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone(dt.timedelta(hours=7)))
