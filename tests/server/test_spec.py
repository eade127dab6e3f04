"""The bundled api.json drives validation; every method it lists gets an honest answer."""

from __future__ import annotations

import pytest

from cchc_bot.local_bot_api import ApiSpec, LocalTelegramServer

from .raw_http import RawBotApi


def test_bundled_api_json_loads_from_the_package() -> None:
    spec = ApiSpec.bundled()
    assert spec.version.startswith("Bot API ")
    assert spec.method("sendmessage") is spec.method("sendMessage")
    send = spec.method("sendMessage")
    assert send is not None
    assert send.fields["chat_id"].types == ("Integer", "String")
    assert spec.types["BotCommandScopeChat"].discriminator == ("type", "chat")


def test_synthesized_values_have_every_required_field() -> None:
    spec = ApiSpec.bundled()
    for name, type_spec in spec.types.items():
        value = spec.synthesize(name)
        if type_spec.fields and not type_spec.subtypes:
            required = {n for n, f in type_spec.fields.items() if f.required}
            assert required <= set(value), name


async def test_every_method_answers_without_parameters_as_telegram_would(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    spec = telegram_server.spec
    successes = 0
    for name, method in spec.methods.items():
        answer = await raw_api(name)
        required = [field for field in method.fields.values() if field.required]
        # Without required fields a call may still need some (editMessageText: a message id).
        if required or answer.status != 200:
            assert answer.status == 400, (name, answer.body)
        if answer.status == 400:
            assert answer.description.startswith("Bad Request: "), (name, answer.body)
        successes += answer.status == 200
    assert successes >= 20  # getMe, getWebhookInfo, logOut, getMyCommands, ...
    assert telegram_server.internal_errors == []


@pytest.mark.parametrize("method", ["sendPoll", "sendInvoice", "sendGame", "sendChecklist"])
async def test_unmodelled_send_methods_still_deliver_a_message(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi, method: str
) -> None:
    user = telegram_server.add_user()
    fields = telegram_server.spec.methods[method].fields
    params = {
        name: telegram_server.spec.synthesize(field.types[0])
        for name, field in fields.items()
        if field.required and name != "chat_id"
    }
    params = {name: value for name, value in params.items() if value not in ("", [], 0)}
    answer = await raw_api(method, {"chat_id": user.id, **params})
    if answer.status == 200:
        assert answer.result["chat"]["id"] == user.id
        assert len(telegram_server.bot_messages(user.id)) == 1
    else:
        assert answer.description.startswith("Bad Request: parameter"), answer.body
