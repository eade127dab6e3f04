"""/web in the chat: a single-use sign-in link for linked accounts, refusals for the rest."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

from cchc_bot.access import Role
from cchc_bot.services.web_access import SignInOutcome, WebAccessService
from cchc_bot.texts import chat_accounts
from tests.bot.conftest import Harness

LINK = re.compile(r"https://desk\.example\.vn/login\?token=[A-Za-z0-9_-]+")


async def test_web_sends_a_single_use_link_that_signs_the_person_in(harness: Harness) -> None:
    harness.runtime.settings.web_url = "https://desk.example.vn"
    await harness.link(901, Role.HEAD, "xa_tai_van", name="Lan")
    answers = await harness.say(901, "/web")
    found = LINK.search(answers[-1].text or "")
    assert found is not None, answers[-1].text
    assert "một lần" in (answers[-1].text or "")
    token = parse_qs(urlsplit(found.group(0)).query)["token"][0]
    access = WebAccessService(harness.runtime.session_factory, harness.clock)
    first = await access.redeem_link(token)
    assert first.outcome is SignInOutcome.SIGNED_IN
    assert first.actor is not None
    assert first.actor.unit_code == "xa_tai_van"
    assert (await access.redeem_link(token)).outcome is SignInOutcome.USED


async def test_web_refuses_strangers_and_says_when_the_desk_is_off(harness: Harness) -> None:
    harness.user(902, "Người lạ")
    harness.runtime.settings.web_url = "https://desk.example.vn"
    refused = await harness.say(902, "/web")
    assert refused[-1].text == chat_accounts.NOT_LINKED
    harness.runtime.settings.web_url = None
    await harness.link(903, Role.COORDINATOR, name="Phòng Nội vụ")
    off = await harness.say(903, "/web")
    assert off[-1].text == chat_accounts.WEB_NOT_CONFIGURED


async def test_linking_sets_a_mini_app_menu_button_only_behind_https(harness: Harness) -> None:
    harness.runtime.settings.web_url = "https://desk.example.vn"
    await harness.link(904, Role.STAFF, "xa_tai_van", name="Văn thư")
    calls = harness.server.calls("setChatMenuButton", ok=True)
    assert len(calls) == 1
    button = calls[0].params["menu_button"]
    button = json.loads(button) if isinstance(button, str) else button
    assert button["type"] == "web_app"
    assert button["web_app"]["url"] == "https://desk.example.vn/app"
    assert button["text"] == chat_accounts.WEB_MENU_BUTTON
    harness.runtime.settings.web_url = "http://127.0.0.1:8080"
    await harness.link(905, Role.HEAD, "xa_vien_an", name="Chủ tịch")
    assert len(harness.server.calls("setChatMenuButton")) == 1
