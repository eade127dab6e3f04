"""The control API: the Python control methods as JSON over HTTP under `/control/<action>`.

Arguments come as a JSON object body (or as query parameters, each read as JSON when it
parses); file contents travel base64-encoded in `content_base64`. Answers are
`{"ok": true, "result": ...}` or `{"ok": false, "error": "..."}`.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from cchc_bot.local_bot_api.clock import SetClock
from cchc_bot.local_bot_api.controlled import ControlledServer
from cchc_bot.local_bot_api.errors import ScenarioError
from cchc_bot.local_bot_api.model.chats import Chat, User
from cchc_bot.local_bot_api.model.messages import MessageRecord
from cchc_bot.local_bot_api.ratelimit import RateLimits

Action = Callable[[ControlledServer, dict[str, Any]], Awaitable[Any]]
_ACTIONS: dict[str, Action] = {}


def _action(name: str) -> Callable[[Action], Action]:
    def register(function: Action) -> Action:
        _ACTIONS[name] = function
        return function

    return register


def add_routes(app: web.Application, server: ControlledServer) -> None:
    """Serve every control action of `server` on `app`."""

    async def handle(request: web.Request) -> web.Response:
        action = _ACTIONS.get(request.match_info["action"])
        if action is None:
            return _answer({"ok": False, "error": "unknown control action"}, 404)
        try:
            arguments = await _arguments(request)
            result = await action(server, arguments)
        except TimeoutError as error:
            return _answer({"ok": False, "error": str(error)}, 408)
        except (ScenarioError, ValueError, TypeError, KeyError) as error:
            return _answer({"ok": False, "error": f"{type(error).__name__}: {error}"}, 400)
        return _answer({"ok": True, "result": result}, 200)

    app.router.add_route("*", "/control/{action}", handle)


async def _arguments(request: web.Request) -> dict[str, Any]:
    arguments: dict[str, Any] = {}
    for key, value in request.query.items():
        try:
            arguments[key] = json.loads(value)
        except ValueError:
            arguments[key] = value
    if request.body_exists:
        body = json.loads(await request.read() or b"{}")
        if not isinstance(body, dict):
            raise ValueError("the body must be a JSON object")
        arguments.update(body)
    return arguments


def _answer(body: dict[str, Any], status: int) -> web.Response:
    return web.Response(
        status=status, text=json.dumps(body, ensure_ascii=False), content_type="application/json"
    )


def _content(arguments: dict[str, Any]) -> bytes:
    return base64.b64decode(arguments.pop("content_base64"))


def user_json(user: User) -> dict[str, Any]:
    """A simulated user with its flags."""
    return {
        **user.to_api(),
        "started": user.started,
        "blocked": user.blocked,
        "deactivated": user.deactivated,
    }


def chat_json(chat: Chat) -> dict[str, Any]:
    """A chat with membership and the bot's status."""
    return {
        **chat.to_api(),
        "bot_status": chat.bot_status,
        "members": sorted(chat.members),
        "administrators": sorted(chat.administrators),
    }


def _snapshot(record: MessageRecord) -> dict[str, Any]:
    return record.snapshot()


# --- people and chats ------------------------------------------------------------------------


@_action("add_user")
async def _add_user(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    return user_json(server.add_user(**arguments))


@_action("add_chat")
async def _add_chat(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    return chat_json(server.add_chat(**arguments))


@_action("block_bot")
async def _block_bot(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    server.block_bot(int(arguments["user_id"]))
    return True


@_action("unblock_bot")
async def _unblock_bot(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    server.unblock_bot(int(arguments["user_id"]))
    return True


# --- what users do ---------------------------------------------------------------------------


@_action("send_text")
async def _send_text(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    return _snapshot(server.send_text(**arguments))


@_action("start_bot")
async def _start_bot(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    return _snapshot(server.start_bot(**arguments))


@_action("edit_text")
async def _edit_text(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    return _snapshot(server.edit_text(**arguments))


@_action("send_document")
async def _send_document(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    content = _content(arguments)
    return _snapshot(server.send_document(content=content, **arguments))


@_action("send_photo")
async def _send_photo(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    content = _content(arguments)
    return _snapshot(server.send_photo(content=content, **arguments))


@_action("send_sticker")
async def _send_sticker(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    return _snapshot(server.send_sticker(**arguments))


@_action("send_voice")
async def _send_voice(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    if "content_base64" in arguments:
        arguments["content"] = _content(arguments)
    return _snapshot(server.send_voice(**arguments))


@_action("send_location")
async def _send_location(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    return _snapshot(server.send_location(**arguments))


@_action("send_contact")
async def _send_contact(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    return _snapshot(server.send_contact(**arguments))


@_action("forward_message")
async def _forward_message(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    return _snapshot(server.forward_message(**arguments))


@_action("press_button")
async def _press_button(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    return dataclasses.asdict(server.press_button(**arguments))


@_action("open_web_app")
async def _open_web_app(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    return dataclasses.asdict(server.open_web_app(**arguments))


@_action("press_keyboard_button")
async def _press_keyboard_button(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    return _snapshot(server.press_keyboard_button(**arguments))


# --- reading back ----------------------------------------------------------------------------


@_action("transcript")
async def _transcript(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    return [_snapshot(record) for record in server.transcript(int(arguments["chat_id"]))]


@_action("calls")
async def _calls(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    return [record.to_json() for record in server.calls(**arguments)]


@_action("counters")
async def _counters(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    return {
        "calls": dict(server.call_counts),
        "too_many_requests": server.too_many_requests,
        "faults_fired": server.faults.count(),
        "pending_updates": len(server.state.updates),
        "requests_in_flight": server.state.requests_in_flight,
        "unanswered_callback_queries": len(server.unanswered_callback_queries()),
        "unsimulated_calls": dict(server.unsimulated_calls),
    }


@_action("commands")
async def _commands(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    return server.commands_for(**arguments)


@_action("menu_button")
async def _menu_button(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    return server.menu_button_for(int(arguments["user_id"]))


@_action("state")
async def _state(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    hook = server.state.webhook
    return {
        "bot": server.bot.to_api(),
        "users": [user_json(user) for user in server.state.users.values()],
        "chats": [chat_json(chat) for chat in server.state.chats.values()],
        "pending_updates": [update.to_api() for update in server.state.updates],
        "webhook": dataclasses.asdict(hook) if hook else None,
        "now": server.state.now(),
    }


# --- faults, limits, time --------------------------------------------------------------------


@_action("inject_fault")
async def _inject_fault(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    rule = server.inject_fault(**arguments)
    return {**dataclasses.asdict(rule), "kind": rule.kind.value}


@_action("clear_faults")
async def _clear_faults(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    server.faults.clear()
    return True


@_action("rate_limits")
async def _rate_limits(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    enabled = bool(arguments.pop("enabled", True))
    server.set_rate_limits(enabled, RateLimits(**arguments) if arguments else None)
    return {"enabled": enabled, **dataclasses.asdict(server.rate_limiter.limits)}


@_action("clock")
async def _clock(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    if "at" in arguments:
        instant = dt.datetime.fromisoformat(str(arguments["at"]))
        server.clock = SetClock(instant, frozen=bool(arguments.get("frozen", False)))
    return {"now": server.clock().isoformat()}


# --- waiting ---------------------------------------------------------------------------------


@_action("wait_for_bot_messages")
async def _wait_for_bot_messages(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    records = await server.wait_for_bot_messages(**arguments)
    return [_snapshot(record) for record in records]


@_action("wait_until_idle")
async def _wait_until_idle(server: ControlledServer, arguments: dict[str, Any]) -> Any:
    await server.wait_until_idle(**arguments)
    return True
