"""Menu buttons and Mini Apps behave as on Telegram: HTTPS only, per chat, answered once."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import parse_qs

import pytest

from cchc_bot.local_bot_api import LocalTelegramServer, ScenarioError
from handlers.web.init_data import InitDataError, verify_init_data

from .raw_http import RawBotApi

DESK = "https://desk.example.vn/app"


def _web_app_button(url: str = DESK) -> dict[str, Any]:
    return {"type": "web_app", "text": "Bàn làm việc", "web_app": {"url": url}}


async def test_a_chat_menu_button_is_read_back_and_shown_to_that_user_only(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    linked, other = telegram_server.add_user(), telegram_server.add_user()
    answer = await raw_api(
        "setChatMenuButton", {"chat_id": linked.id, "menu_button": _web_app_button()}
    )
    assert answer.result is True
    read = await raw_api("getChatMenuButton", {"chat_id": linked.id})
    assert read.result == _web_app_button()
    assert (await raw_api("getChatMenuButton", {"chat_id": other.id})).result == {"type": "default"}
    assert telegram_server.menu_button_for(linked.id) == _web_app_button()
    assert telegram_server.menu_button_for(other.id) == {"type": "commands"}


async def test_the_default_menu_button_applies_where_a_chat_chose_default(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    user = telegram_server.add_user()
    assert (await raw_api("getChatMenuButton")).result == {"type": "commands"}
    await raw_api("setChatMenuButton", {"menu_button": _web_app_button()})
    await raw_api("setChatMenuButton", {"chat_id": user.id, "menu_button": {"type": "default"}})
    assert telegram_server.menu_button_for(user.id) == _web_app_button()
    await raw_api("setChatMenuButton", {"chat_id": user.id})  # no button: back to default
    assert (await raw_api("getChatMenuButton", {"chat_id": user.id})).result == {"type": "default"}


@pytest.mark.parametrize(
    ("params", "description"),
    [
        (
            {"menu_button": _web_app_button("http://127.0.0.1:8080/app")},
            "Bad Request: menu button Web App URL 'http://127.0.0.1:8080/app' is invalid: "
            "Only HTTPS links are allowed",
        ),
        (
            {"menu_button": {"type": "web_app", "text": "", "web_app": {"url": DESK}}},
            "Bad Request: menu button text must be non-empty",
        ),
        (
            {"chat_id": -100123, "menu_button": _web_app_button()},
            "Bad Request: invalid chat_id specified",
        ),
        ({"chat_id": 424242, "menu_button": _web_app_button()}, "Bad Request: user not found"),
    ],
)
async def test_menu_buttons_telegram_refuses(
    telegram_server: LocalTelegramServer,
    raw_api: RawBotApi,
    params: dict[str, Any],
    description: str,
) -> None:
    answer = await raw_api("setChatMenuButton", params)
    assert (answer.status, answer.description) == (400, description)
    assert telegram_server.state.menu_buttons == {}


async def test_web_app_buttons_need_https_and_a_private_chat(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    user = telegram_server.add_user()
    group = telegram_server.add_chat("supergroup", members=[user.id])
    plain = {"inline_keyboard": [[{"text": "Mở", "web_app": {"url": "http://desk.local/app"}}]]}
    answer = await raw_api("sendMessage", {"chat_id": user.id, "text": "x", "reply_markup": plain})
    assert answer.description == (
        "Bad Request: inline keyboard button Web App URL 'http://desk.local/app' is invalid: "
        "Only HTTPS links are allowed"
    )
    secure = {"inline_keyboard": [[{"text": "Mở", "web_app": {"url": DESK}}]]}
    answer = await raw_api(
        "sendMessage", {"chat_id": group.id, "text": "x", "reply_markup": secure}
    )
    assert (answer.status, answer.description) == (400, "Bad Request: BUTTON_TYPE_INVALID")
    answer = await raw_api("sendMessage", {"chat_id": user.id, "text": "x", "reply_markup": secure})
    assert answer.result["reply_markup"] == secure


async def test_an_opened_mini_app_sends_one_message_on_the_users_behalf(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    user = telegram_server.add_user()
    await raw_api("setChatMenuButton", {"chat_id": user.id, "menu_button": _web_app_button()})
    query = telegram_server.open_web_app(user.id)
    assert query.url == DESK
    result = {
        "type": "article",
        "id": "1",
        "title": "Đã nộp",
        "input_message_content": {"message_text": "<b>Đã nộp</b> báo cáo", "parse_mode": "HTML"},
    }
    params = {"web_app_query_id": query.id, "result": result}
    assert (await raw_api("answerWebAppQuery", params)).result == {}
    sent = telegram_server.transcript(user.id)[-1]
    assert (sent.from_bot, sent.sender_id, sent.text) == (False, user.id, "Đã nộp báo cáo")
    assert sent.entities == [{"type": "bold", "offset": 0, "length": 6}]
    assert sent.data["via_bot"]["id"] == telegram_server.bot.id
    assert telegram_server.state.updates[-1].kind == "message"
    again = await raw_api("answerWebAppQuery", params)
    assert (again.status, again.description) == (
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    )


async def test_a_web_app_query_nobody_opened_is_refused(raw_api: RawBotApi) -> None:
    result = {
        "type": "article",
        "id": "1",
        "title": "t",
        "input_message_content": {"message_text": "t"},
    }
    answer = await raw_api("answerWebAppQuery", {"web_app_query_id": "AAQ1", "result": result})
    assert (answer.status, answer.description) == (
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    )


async def test_mini_apps_open_only_from_web_app_buttons(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    user = telegram_server.add_user()
    with pytest.raises(ScenarioError, match="opens no Web App"):
        telegram_server.open_web_app(user.id)
    markup = {"inline_keyboard": [[{"text": "Mở bàn", "web_app": {"url": DESK}}]]}
    sent = await raw_api("sendMessage", {"chat_id": user.id, "text": "x", "reply_markup": markup})
    query = telegram_server.open_web_app(
        user.id, message_id=sent.result["message_id"], text="Mở bàn"
    )
    assert query.url == DESK


async def test_the_mini_app_gets_init_data_the_desk_verifies_with_the_bot_token(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    user = telegram_server.add_user(first_name="Hạnh")
    await raw_api("setChatMenuButton", {"chat_id": user.id, "menu_button": _web_app_button()})
    query = telegram_server.open_web_app(user.id)
    fields = {key: values[0] for key, values in parse_qs(query.init_data).items()}
    assert fields["query_id"] == query.id
    assert json.loads(fields["user"])["first_name"] == "Hạnh"
    now = dt.datetime.now(dt.UTC)
    verified = verify_init_data(
        query.init_data, telegram_server.token, max_age=dt.timedelta(minutes=1), now=now
    )
    assert (verified.telegram_user_id, verified.first_name) == (user.id, "Hạnh")
    other_token = "987654321:AAH-some-other-bot-token"
    with pytest.raises(InitDataError, match="signature"):
        verify_init_data(query.init_data, other_token, max_age=dt.timedelta(minutes=1), now=now)
