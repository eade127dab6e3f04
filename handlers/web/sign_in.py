"""Sign-in routes: a `/web` link (opened by a button, so link scanners do not spend it),
the Telegram Mini App's signed initData, and logout."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp import web

from cchc_bot.services.web_access import SignIn, SignInOutcome
from handlers.web import sessions
from handlers.web.desk import desk_of, page, see_other
from handlers.web.init_data import InitDataError, verify_init_data

routes = web.RouteTableDef()


def _address(request: web.Request) -> str:
    return request.remote or "unknown"


def _too_many(request: web.Request) -> web.Response | None:
    wait = desk_of(request).limiter.attempt(_address(request))
    if wait <= 0:
        return None
    response = page(request, "access.html", status=429, reason="too_many")
    response.headers["Retry-After"] = str(int(wait) + 1)
    return response


def _anonymous_form(request: web.Request, name: str, **values: Any) -> web.Response:
    token = sessions.pre_session_value(request)
    response = page(request, name, form_token=token, **values)
    sessions.keep_pre_session(request, response, token)
    return response


def _signed_in(request: web.Request, result: SignIn) -> web.StreamResponse:
    if result.outcome is not SignInOutcome.SIGNED_IN or result.session_token is None:
        return page(request, "access.html", status=403, reason=result.outcome.value)
    assert result.expires_at is not None
    response = see_other("/")
    sessions.set_session_cookie(request, response, result.session_token, result.expires_at)
    return response


@routes.get("/login")
async def login_page(request: web.Request) -> web.Response:
    """The page a `/web` link opens: one button that spends the link."""
    token = request.query.get("token", "")
    return _anonymous_form(request, "login.html", link_token=token[:64])


@routes.post("/login")
async def login(request: web.Request) -> web.StreamResponse:
    """Spend a link and open a session (rate-limited; CSRF-checked)."""
    limited = _too_many(request)
    if limited is not None:
        return limited
    form = await request.post()
    if not sessions.pre_session_ok(request, str(form.get(sessions.CSRF_FIELD, ""))):
        return page(request, "error.html", status=403, reason="csrf")
    token = str(form.get("token", ""))
    if not 20 <= len(token) <= 64:
        return page(request, "access.html", status=403, reason=SignInOutcome.UNKNOWN.value)
    result = await desk_of(request).access.redeem_link(token)
    return _signed_in(request, result)


@routes.get("/app")
async def mini_app_page(request: web.Request) -> web.Response:
    """The Mini App's entry page: its script posts Telegram's initData back here."""
    return _anonymous_form(request, "miniapp.html")


@routes.post("/app")
async def mini_app_sign_in(request: web.Request) -> web.StreamResponse:
    """Verify the Mini App's initData and open a session for the linked account."""
    limited = _too_many(request)
    if limited is not None:
        return limited
    form = await request.post()
    if not sessions.pre_session_ok(request, str(form.get(sessions.CSRF_FIELD, ""))):
        return page(request, "error.html", status=403, reason="csrf")
    desk = desk_of(request)
    if desk.bot_token is None:
        return page(request, "access.html", status=403, reason="miniapp_off")
    settings = desk.runtime.settings
    try:
        user = verify_init_data(
            str(form.get("init_data", "")),
            desk.bot_token,
            max_age=dt.timedelta(seconds=settings.web_init_data_max_age),
            now=desk.runtime.clock(),
        )
    except InitDataError:
        return page(request, "access.html", status=403, reason="init_data")
    result = await desk.access.sign_in_telegram(user.telegram_user_id, user.signature)
    return _signed_in(request, result)


@routes.post("/logout")
async def logout(request: web.Request) -> web.StreamResponse:
    """End the session (its CSRF token required) and forget the cookie."""
    form = await request.post()
    token = request.cookies.get(sessions.SESSION_COOKIE, "")
    if await sessions.load_actor(request) is None:
        response = see_other("/")
        sessions.clear_session_cookie(response)
        return response
    if not sessions.session_csrf_ok(request, str(form.get(sessions.CSRF_FIELD, ""))):
        return page(request, "error.html", status=403, reason="csrf")
    await desk_of(request).access.end_session(token)
    response = page(request, "access.html", reason="logged_out", actor=None)
    sessions.clear_session_cookie(response)
    return response
