"""Errors the local server answers with, worded as the real Bot API words them."""

from __future__ import annotations

from typing import Any


class BotApiError(Exception):
    """A Bot API call failed: becomes `{"ok": false, "error_code": ..., "description": ...}`."""

    def __init__(self, error_code: int, description: str, *, retry_after: int | None = None):
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def envelope(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(message: str) -> BotApiError:
    """400 `Bad Request: <message>`."""
    return BotApiError(400, f"Bad Request: {message}")


def forbidden(message: str) -> BotApiError:
    """403 `Forbidden: <message>`."""
    return BotApiError(403, f"Forbidden: {message}")


def conflict(message: str) -> BotApiError:
    """409 `Conflict: <message>`."""
    return BotApiError(409, f"Conflict: {message}")


def too_many_requests(retry_after: int) -> BotApiError:
    """429 with `parameters.retry_after`, exactly as Telegram's flood control answers."""
    return BotApiError(
        429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
    )


def unauthorized() -> BotApiError:
    """401 for a token the server does not know."""
    return BotApiError(401, "Unauthorized")


def not_found() -> BotApiError:
    """404 for a method the Bot API does not have."""
    return BotApiError(404, "Not Found")


def internal_server_error() -> BotApiError:
    """500 as Telegram answers when something breaks on its side."""
    return BotApiError(500, "Internal Server Error")


class ScenarioError(Exception):
    """A test or sandbox asked a simulated user to do something a real user could not do."""
