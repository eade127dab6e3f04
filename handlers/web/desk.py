"""What every web route shares: services, templates, limiter, headers and error pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web
from telegram import Bot

from cchc_bot.access import AccessDenied, Actor
from cchc_bot.periods import ReportingPeriod, UnknownPeriodError
from cchc_bot.runtime import Runtime
from cchc_bot.services.reminders import Deliver
from cchc_bot.services.unit_view import UnitViewService
from cchc_bot.services.web_access import WebAccessService
from handlers.web.rate_limit import SignInLimiter

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

# No inline script or style anywhere, nothing from another origin; Telegram Web may frame it.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'self' https://web.telegram.org"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # A sign-in link's token must never travel on to another site in a Referer.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def template_environment() -> jinja2.Environment:
    """Jinja2 with every value autoescaped and unknown names an error, not a blank."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass
class WebDesk:
    """The runtime's services as the web desk uses them."""

    runtime: Runtime
    bot_token: str | None
    access: WebAccessService
    views: UnitViewService
    secure_cookies: bool
    limiter: SignInLimiter = field(default_factory=SignInLimiter)
    # The running bot, to tell a unit its report was returned (None: `cchc-bot web` alone).
    bot: Bot | None = None
    # How a nudge reaches Telegram (the bot's paced bulk sends); None: no nudge button.
    send_reminder: Deliver | None = None
    # The periods offered on the dashboard, by (first, last) year: the calendar never changes.
    period_choices: dict[tuple[int, int], list[ReportingPeriod]] = field(default_factory=dict)
    templates: jinja2.Environment = field(default_factory=template_environment)


DESK = web.AppKey("desk", WebDesk)
# The signed-in account of a request (None: nobody) and its session's CSRF token.
ACTOR: web.RequestKey[Actor | None] = web.RequestKey("actor")
CSRF = web.RequestKey("csrf", str)


def desk_of(request: web.Request) -> WebDesk:
    """The desk of the application serving a request."""
    return request.app[DESK]


def page(request: web.Request, name: str, *, status: int = 200, **values: Any) -> web.Response:
    """Render a template into an HTML response."""
    desk = desk_of(request)
    template = desk.templates.get_template(name)
    values.setdefault("office", desk.runtime.config.units.organisation.office)
    values.setdefault("actor", request.get(ACTOR))
    values.setdefault("csrf", request.get(CSRF, ""))
    return web.Response(
        text=template.render(**values), status=status, content_type="text/html", charset="utf-8"
    )


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Security headers on every answer; refusals and unknown periods as Vietnamese pages."""
    try:
        response = await handler(request)
    except AccessDenied:
        if request.get(ACTOR) is None:  # nobody signed in: say how to, not "forbidden"
            response = page(request, "access.html", status=401, reason="signed_out")
        else:
            response = page(request, "access.html", status=403, reason="forbidden")
    except UnknownPeriodError:
        response = page(request, "error.html", status=404, reason="period")
    except web.HTTPNotFound:
        response = page(request, "error.html", status=404, reason="not_found")
    except web.HTTPException as exc:  # 405 and the like: the headers go on them too
        for key, value in SECURITY_HEADERS.items():
            exc.headers.setdefault(key, value)
        raise
    for key, value in SECURITY_HEADERS.items():
        response.headers.setdefault(key, value)
    return response


def see_other(location: str) -> web.Response:
    """A 303 redirect (after a form post, so a reload does not post again)."""
    return web.Response(status=303, headers={"Location": location})
