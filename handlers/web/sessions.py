"""Browser sessions: the cookie, the actor behind it, and CSRF tokens for every form post."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from aiohttp import web

from cchc_bot.access import Actor
from handlers.web.desk import ACTOR, CSRF, desk_of

SESSION_COOKIE = "cchc_session"
# Before signing in, forms carry a token equal to this cookie's (double submit).
PRE_SESSION_COOKIE = "cchc_pre"
CSRF_FIELD = "csrf"


def csrf_for_session(session_token: str) -> str:
    """The CSRF token of a session: keyed by its secret cookie, so no other page can know it."""
    return hmac.new(session_token.encode(), b"cchc-csrf", hashlib.sha256).hexdigest()


async def load_actor(request: web.Request) -> Actor | None:
    """The signed-in account (checked in the database on every request), kept on the request."""
    token = request.cookies.get(SESSION_COOKIE)
    actor = await desk_of(request).access.actor_for_session(token) if token else None
    request[ACTOR] = actor
    request[CSRF] = csrf_for_session(token) if actor is not None and token else ""
    return actor


def set_session_cookie(
    request: web.Request, response: web.StreamResponse, token: str, expires: dt.datetime
) -> None:
    """Hand the browser its session: HttpOnly, SameSite=Strict, Secure behind HTTPS."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max(int((expires - desk_of(request).runtime.clock()).total_seconds()), 60),
        path="/",
        httponly=True,
        secure=desk_of(request).secure_cookies,
        samesite="Strict",
    )
    response.del_cookie(PRE_SESSION_COOKIE, path="/")


def clear_session_cookie(response: web.StreamResponse) -> None:
    """Forget the session cookie in the browser."""
    response.del_cookie(SESSION_COOKIE, path="/")


def pre_session_value(request: web.Request) -> str:
    """The anonymous form token: the browser's own cookie, or a fresh one to set."""
    token = request.cookies.get(PRE_SESSION_COOKIE, "")
    return token if len(token) == 43 else secrets.token_urlsafe(32)


def keep_pre_session(request: web.Request, response: web.StreamResponse, token: str) -> None:
    """Set the anonymous form token's cookie unless the browser already sent that very one."""
    if request.cookies.get(PRE_SESSION_COOKIE) == token:
        return
    response.set_cookie(
        PRE_SESSION_COOKIE,
        token,
        max_age=3600,
        path="/",
        httponly=True,
        secure=desk_of(request).secure_cookies,
        samesite="Strict",
    )


def pre_session_ok(request: web.Request, form_token: str) -> bool:
    """Whether an anonymous form came from our own page (its token matches the cookie)."""
    cookie = request.cookies.get(PRE_SESSION_COOKIE, "")
    return bool(cookie) and hmac.compare_digest(cookie.encode(), form_token.encode())


def session_csrf_ok(request: web.Request, form_token: str) -> bool:
    """Whether a signed-in form carries its session's CSRF token."""
    expected = request.get(CSRF, "")
    return bool(expected) and hmac.compare_digest(expected.encode(), form_token.encode())
