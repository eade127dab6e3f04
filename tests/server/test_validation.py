"""Every call is checked against api.json and Telegram's own rules; errors read like Telegram's."""

from __future__ import annotations

from typing import Any

import pytest

from cchc_bot.local_bot_api import LocalTelegramServer

from .raw_http import Encoding, RawBotApi

INLINE = "inline_keyboard"


@pytest.fixture
def chat_id(telegram_server: LocalTelegramServer) -> int:
    """A user who started the bot; their private chat id."""
    return telegram_server.add_user(first_name="Hoa").id


async def test_wrong_token_is_unauthorized(raw_api: RawBotApi) -> None:
    answer = await raw_api("getMe", token="987654321:AAH-not-the-token")
    assert (answer.status, answer.body) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )


async def test_method_missing_from_api_json_is_not_found(raw_api: RawBotApi) -> None:
    answer = await raw_api("sendTelepathy", {"chat_id": 1})
    assert (answer.status, answer.body) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )


async def test_method_names_are_case_insensitive_as_on_telegram(raw_api: RawBotApi) -> None:
    answer = await raw_api("GETME")
    assert answer.result["username"] == "cchc_test_bot"


@pytest.mark.parametrize("encoding", ["json", "form", "query", "multipart"])
async def test_every_encoding_ptb_and_curl_use_is_accepted(
    raw_api: RawBotApi, chat_id: int, encoding: Encoding
) -> None:
    markup = {INLINE: [[{"text": "Có", "callback_data": "yes"}]]}
    files = {"unused": ("a.txt", b"x", "text/plain")} if encoding == "multipart" else None
    answer = await raw_api(
        "sendMessage",
        {"chat_id": chat_id, "text": "Chào", "reply_markup": markup},
        encoding=encoding,
        files=files,
    )
    message = answer.result
    assert message["text"] == "Chào"
    assert message["reply_markup"] == markup
    assert message["from"]["is_bot"] is True
    assert message["chat"] == {"id": chat_id, "type": "private", "first_name": "Hoa"}


@pytest.mark.parametrize(
    ("method", "params", "description"),
    [
        ("sendMessage", {"text": "x"}, "Bad Request: chat_id is empty"),
        ("sendMessage", {"chat_id": 1}, "Bad Request: message text is empty"),
        ("getFile", {}, "Bad Request: invalid file_id"),
        ("answerCallbackQuery", {}, 'Bad Request: parameter "callback_query_id" is required'),
        ("setMyCommands", {}, 'Bad Request: parameter "commands" is required'),
        ("sendDocument", {"chat_id": 1}, "Bad Request: there is no document in the request"),
    ],
)
async def test_missing_required_parameter_is_a_bad_request(
    raw_api: RawBotApi, method: str, params: dict[str, Any], description: str
) -> None:
    answer = await raw_api(method, params)
    assert (answer.status, answer.body) == (
        400,
        {"ok": False, "error_code": 400, "description": description},
    )


async def test_empty_string_counts_as_missing(raw_api: RawBotApi, chat_id: int) -> None:
    answer = await raw_api("sendMessage", {"chat_id": chat_id, "text": ""}, encoding="form")
    assert answer.description == "Bad Request: message text is empty"


async def test_unknown_parameter_is_a_bad_request(raw_api: RawBotApi, chat_id: int) -> None:
    answer = await raw_api(
        "sendMessage", {"chat_id": chat_id, "text": "x", "disable_web_page_preview": True}
    )
    assert answer.status == 400
    assert answer.description == 'Bad Request: unknown parameter "disable_web_page_preview"'


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"limit": "nhiều"}, 'Bad Request: parameter "limit" must be of type Integer'),
        ({"limit": 1.5}, 'Bad Request: parameter "limit" must be of type Integer'),
        ({"limit": True}, 'Bad Request: parameter "limit" must be of type Integer'),
        ({"allowed_updates": "message"}, "Bad Request: can't parse allowed updates JSON object"),
        (
            {"allowed_updates": {"message": True}},
            "Bad Request: can't parse allowed updates: expected an Array of String",
        ),
        (
            {"allowed_updates": [1, 2]},
            "Bad Request: can't parse allowed updates: expected String",
        ),
    ],
)
async def test_wrong_primitive_or_structure_is_a_bad_request(
    raw_api: RawBotApi, params: dict[str, Any], description: str
) -> None:
    answer = await raw_api("getUpdates", params)
    assert (answer.status, answer.description) == (400, description)


async def test_boolean_and_float_parameters_parse_from_form_strings(
    raw_api: RawBotApi, chat_id: int
) -> None:
    bad = await raw_api(
        "sendMessage",
        {"chat_id": chat_id, "text": "x", "disable_notification": "có"},
        encoding="form",
    )
    assert (
        bad.description == 'Bad Request: parameter "disable_notification" must be of type Boolean'
    )
    location = await raw_api(
        "sendLocation",
        {"chat_id": chat_id, "latitude": "9.55", "longitude": "106.1", "protect_content": "true"},
        encoding="form",
    )
    assert location.result["location"] == {"latitude": 9.55, "longitude": 106.1}
    assert location.result["has_protected_content"] is True


async def test_nested_object_fields_are_typed(raw_api: RawBotApi, chat_id: int) -> None:
    answer = await raw_api(
        "sendMessage",
        {"chat_id": chat_id, "text": "x", "reply_markup": {INLINE: [[{"text": 5, "url": "x"}]]}},
    )
    assert answer.description == (
        'Bad Request: can\'t parse inline keyboard button: Field "text" must be of type String'
    )


async def test_reply_markup_that_is_not_json_cannot_be_parsed(
    raw_api: RawBotApi, chat_id: int
) -> None:
    answer = await raw_api(
        "sendMessage", {"chat_id": chat_id, "text": "x", "reply_markup": "{oops"}, encoding="form"
    )
    assert answer.description == "Bad Request: can't parse reply keyboard markup JSON object"


async def test_text_longer_than_4096_after_entity_parsing_is_too_long(
    raw_api: RawBotApi, chat_id: int
) -> None:
    fits = "<b>" + "ă" * 4096 + "</b>"  # the tags do not count
    assert (await raw_api("sendMessage", _html(chat_id, fits))).status == 200
    too_long = await raw_api("sendMessage", {"chat_id": chat_id, "text": "a" * 4097})
    assert too_long.description == "Bad Request: message is too long"
    emoji = await raw_api("sendMessage", {"chat_id": chat_id, "text": "😀" * 2049})
    assert emoji.description == "Bad Request: message is too long"  # UTF-16 units


async def test_text_that_is_only_markup_or_spaces_is_empty(
    raw_api: RawBotApi, chat_id: int
) -> None:
    answer = await raw_api("sendMessage", _html(chat_id, "<b> </b>\n"))
    assert answer.description == "Bad Request: message must be non-empty"


async def test_caption_longer_than_1024_is_too_long(raw_api: RawBotApi, chat_id: int) -> None:
    answer = await raw_api(
        "sendDocument",
        {"chat_id": chat_id, "caption": "c" * 1025},
        encoding="multipart",
        files={"document": ("a.txt", b"abc", "text/plain")},
    )
    assert answer.description == "Bad Request: message caption is too long"


@pytest.mark.parametrize(
    ("button", "description"),
    [
        (
            {"text": "Chọn", "callback_data": "đ" * 33},  # 66 bytes in UTF-8
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        ({"text": "Chọn", "callback_data": ""}, "Bad Request: BUTTON_DATA_INVALID"),
        (
            {"text": "Chọn"},
            "Bad Request: can't parse inline keyboard button: "
            "Text buttons are unallowed in the inline keyboard",
        ),
        (
            {"text": "Chọn", "callback_data": "a", "url": "https://example.org"},
            "Bad Request: can't parse inline keyboard button: exactly one of the fields other "
            "than text, icon_custom_emoji_id and style must be used, found callback_data, url",
        ),
        ({"text": "Chọn", "url": "javascript:alert(1)"}, "Bad Request: BUTTON_URL_INVALID"),
    ],
)
async def test_inline_buttons_follow_telegram_rules(
    raw_api: RawBotApi, chat_id: int, button: dict[str, Any], description: str
) -> None:
    answer = await raw_api(
        "sendMessage", {"chat_id": chat_id, "text": "x", "reply_markup": {INLINE: [[button]]}}
    )
    assert (answer.status, answer.description) == (400, description)


async def test_callback_data_of_exactly_64_bytes_is_accepted(
    raw_api: RawBotApi, chat_id: int
) -> None:
    button = {"text": "Chọn", "callback_data": "đ" * 32}
    answer = await raw_api(
        "sendMessage", {"chat_id": chat_id, "text": "x", "reply_markup": {INLINE: [[button]]}}
    )
    assert answer.status == 200


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("<b>đậm", "Can't find end tag corresponding to start tag b"),
        ("<b>đậm</i>", 'Unmatched end tag at byte offset 9, expected "</b>", found "</i>"'),
        ("<div>khối</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("Tài chính &foo; Kế hoạch", 'Unsupported HTML entity "&foo;" at byte offset 12'),
        ("</b>", "Unexpected end tag at byte offset 0"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<a href=", 'Unclosed start tag "a" at byte offset 0'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
async def test_malformed_html_cannot_be_parsed(
    raw_api: RawBotApi, chat_id: int, text: str, error: str
) -> None:
    answer = await raw_api("sendMessage", _html(chat_id, text))
    assert (answer.status, answer.description) == (
        400,
        f"Bad Request: can't parse entities: {error}",
    )


async def test_unknown_chat_is_not_found(raw_api: RawBotApi) -> None:
    answer = await raw_api("sendMessage", {"chat_id": 424242, "text": "x"})
    assert (answer.status, answer.description) == (400, "Bad Request: chat not found")
    by_name = await raw_api("getChat", {"chat_id": "@khong_co"})
    assert by_name.description == "Bad Request: chat not found"


async def test_user_who_never_started_the_bot_cannot_be_written_to(
    raw_api: RawBotApi, telegram_server: LocalTelegramServer
) -> None:
    stranger = telegram_server.add_user(started=False)
    answer = await raw_api("sendMessage", {"chat_id": stranger.id, "text": "x"})
    assert (answer.status, answer.description) == (
        403,
        "Forbidden: bot can't initiate conversation with a user",
    )


async def test_user_who_blocked_the_bot_is_forbidden(
    raw_api: RawBotApi, telegram_server: LocalTelegramServer, chat_id: int
) -> None:
    telegram_server.block_bot(chat_id)
    answer = await raw_api("sendMessage", {"chat_id": chat_id, "text": "x"})
    assert (answer.status, answer.body) == (
        403,
        {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
    )
    assert telegram_server.state.updates[-1].kind == "my_chat_member"
    telegram_server.unblock_bot(chat_id)
    assert (await raw_api("sendMessage", {"chat_id": chat_id, "text": "x"})).status == 200


async def test_editing_a_missing_message_fails(raw_api: RawBotApi, chat_id: int) -> None:
    answer = await raw_api("editMessageText", {"chat_id": chat_id, "message_id": 99, "text": "y"})
    assert (answer.status, answer.description) == (400, "Bad Request: message to edit not found")


async def test_editing_a_users_message_fails(
    raw_api: RawBotApi, telegram_server: LocalTelegramServer, chat_id: int
) -> None:
    message = telegram_server.send_text(chat_id, "của tôi")
    answer = await raw_api(
        "editMessageText", {"chat_id": chat_id, "message_id": message.message_id, "text": "y"}
    )
    assert answer.description == "Bad Request: message can't be edited"


async def test_edit_that_changes_nothing_is_not_modified(
    raw_api: RawBotApi, telegram_server: LocalTelegramServer, chat_id: int
) -> None:
    markup = {INLINE: [[{"text": "A", "callback_data": "a"}]]}
    sent = (
        await raw_api(
            "sendMessage",
            {
                "chat_id": chat_id,
                "text": "<b>Một</b>",
                "parse_mode": "HTML",
                "reply_markup": markup,
            },
        )
    ).result
    same = {
        "chat_id": chat_id,
        "message_id": sent["message_id"],
        "text": "<b>Một</b>",
        "parse_mode": "HTML",
        "reply_markup": markup,
    }
    answer = await raw_api("editMessageText", same)
    assert answer.description.startswith("Bad Request: message is not modified: specified new")
    same_markup = {"chat_id": chat_id, "message_id": sent["message_id"], "reply_markup": markup}
    answer = await raw_api("editMessageReplyMarkup", same_markup)
    assert answer.description.startswith("Bad Request: message is not modified")

    plain = await raw_api("editMessageText", {**same, "parse_mode": "", "text": "Một"})
    assert plain.status == 200  # the bold entity went away: that is a change
    record = telegram_server.state.message(chat_id, sent["message_id"])
    assert record is not None
    assert (record.text, record.entities, record.button_texts) == ("Một", [], ["A"])
    assert record.edits[0]["entities"] == [{"type": "bold", "offset": 0, "length": 3}]


async def test_deleting_twice_fails_the_second_time(raw_api: RawBotApi, chat_id: int) -> None:
    sent = (await raw_api("sendMessage", {"chat_id": chat_id, "text": "x"})).result
    ids = {"chat_id": chat_id, "message_id": sent["message_id"]}
    assert (await raw_api("deleteMessage", ids)).result is True
    again = await raw_api("deleteMessage", ids)
    assert again.description == "Bad Request: message to delete not found"


async def test_callback_query_can_be_answered_only_once(
    raw_api: RawBotApi, telegram_server: LocalTelegramServer, chat_id: int
) -> None:
    markup = {INLINE: [[{"text": "A", "callback_data": "a"}]]}
    sent = (
        await raw_api("sendMessage", {"chat_id": chat_id, "text": "x", "reply_markup": markup})
    ).result
    query = telegram_server.press_button(chat_id, sent["message_id"], callback_data="a")
    assert (await raw_api("answerCallbackQuery", {"callback_query_id": query.id})).result is True
    again = await raw_api("answerCallbackQuery", {"callback_query_id": query.id})
    unknown = await raw_api("answerCallbackQuery", {"callback_query_id": "123"})
    expected = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    assert again.description == unknown.description == expected


async def test_other_methods_from_api_json_answer_a_plausible_success(
    raw_api: RawBotApi, telegram_server: LocalTelegramServer, chat_id: int
) -> None:
    group = telegram_server.add_chat("supergroup", members=[chat_id], administrators=[chat_id])
    assert (await raw_api("setMyDescription", {"description": "Bot CCHC"})).result is True
    assert (await raw_api("setChatTitle", {"chat_id": group.id, "title": "Tổ"})).result is True
    count = await raw_api("getChatMemberCount", {"chat_id": group.id})
    assert isinstance(count.result, int)
    member = await raw_api("getChatMember", {"chat_id": group.id, "user_id": chat_id})
    assert member.result["status"] == "administrator"
    chat = await raw_api("getChat", {"chat_id": chat_id})
    assert chat.result["first_name"] == "Hoa"
    assert chat.result["accepted_gift_types"]["unique_gifts"] is False


async def test_chat_action_must_be_a_known_action(
    raw_api: RawBotApi, telegram_server: LocalTelegramServer, chat_id: int
) -> None:
    ok = await raw_api("sendChatAction", {"chat_id": chat_id, "action": "typing"})
    assert ok.result is True
    bad = await raw_api("sendChatAction", {"chat_id": chat_id, "action": "dancing"})
    assert bad.description == "Bad Request: wrong parameter action in request"
    assert [action.action for action in telegram_server.state.chat_actions] == ["typing"]


def _html(chat_id: int, text: str) -> dict[str, Any]:
    return {"chat_id": chat_id, "text": text, "parse_mode": "HTML"}
