"""The coordinator's desk actions: return a report, nudge a unit, close or reopen a period,
and the status chart.

Each calls the very service method its chat twin calls (which checks the role, audits the
action and, with coordinator scopes, the scope); a returned unit is told in the chat when
the desk runs beside the bot.
"""

from __future__ import annotations

import asyncio
import functools
from collections import Counter
from urllib.parse import quote, urlencode

from aiohttp import web

from cchc_bot.access import AccessDenied, Actor
from cchc_bot.exports import charts
from cchc_bot.services.coordination import ReturnOutcome
from cchc_bot.texts import chat_common, chat_coordinator
from handlers.telegram.notify import notify_with
from handlers.web import sessions
from handlers.web.desk import desk_of, page, see_other

routes = web.RouteTableDef()
NOTICES = (
    "returned",
    "return_failed",
    "reason_short",
    "closed",
    "reopened",
    "nudged",
    "nudged_nobody",
)
REASON_MIN = 10


async def _coordinator_post(request: web.Request) -> tuple[Actor, dict[str, str]] | None:
    """The signed-in actor and the post's fields, or None when the CSRF token is wrong."""
    actor = await sessions.load_actor(request)
    if actor is None or not actor.is_coordinator:
        raise AccessDenied("act on the desk", actor)
    form = await request.post()
    if not sessions.session_csrf_ok(request, str(form.get(sessions.CSRF_FIELD, ""))):
        return None
    return actor, {key: str(value) for key, value in form.items() if isinstance(value, str)}


def _back_to_unit(code: str, period: str, notice: str) -> web.Response:
    query = urlencode({"period": period, "notice": notice})
    return see_other(f"/unit/{quote(code)}?{query}")


@routes.post("/unit/{code}/return")
async def return_report(request: web.Request) -> web.StreamResponse:
    """Return a submitted report with a reason, as /return does; the unit is told why."""
    posted = await _coordinator_post(request)
    if posted is None:
        return page(request, "error.html", status=403, reason="csrf")
    actor, form = posted
    desk = desk_of(request)
    code = request.match_info["code"]
    period = form.get("period", "")
    reason = " ".join(form.get("reason", "").split())[:500]
    if len(reason) < REASON_MIN:
        return _back_to_unit(code, period, "reason_short")
    result = await desk.runtime.coordination.return_report(actor, code, period, reason)
    if result.outcome is ReturnOutcome.UNKNOWN_UNIT:
        raise web.HTTPNotFound()
    if result.outcome is not ReturnOutcome.RETURNED:
        return _back_to_unit(code, result.period.code, "return_failed")
    if desk.bot is not None and result.notify_telegram_ids:
        text = chat_common.with_names(
            chat_coordinator.RETURN_TO_UNIT,
            desk.runtime.config.units.organisation,
            label=result.period.label,
            unit=chat_common.html(result.unit_name or result.unit_code),
            reason=chat_common.html(result.reason or ""),
        )
        await notify_with(
            desk.bot, desk.runtime.accounts, result.notify_telegram_ids, text, html=True
        )
    return _back_to_unit(code, result.period.code, "returned")


@routes.post("/unit/{code}/nudge")
async def nudge(request: web.Request) -> web.StreamResponse:
    """Nudge a unit's people, as /remind UNIT does (at most once per unit in a while)."""
    posted = await _coordinator_post(request)
    if posted is None:
        return page(request, "error.html", status=403, reason="csrf")
    actor, form = posted
    desk = desk_of(request)
    code = request.match_info["code"]
    if desk.send_reminder is None:
        raise web.HTTPNotFound()
    period = desk.runtime.status.period(form.get("period", ""))
    report = await desk.runtime.reminders.nudge(actor, period, desk.send_reminder, code)
    return _back_to_unit(code, period.code, "nudged" if report.sent else "nudged_nobody")


async def _set_period(request: web.Request, *, open_: bool) -> web.StreamResponse:
    posted = await _coordinator_post(request)
    if posted is None:
        return page(request, "error.html", status=403, reason="csrf")
    actor, _ = posted
    coordination = desk_of(request).runtime.coordination
    result = await coordination.set_period_state(actor, request.match_info["code"], open_=open_)
    query = urlencode({"period": result.period.code, "notice": "reopened" if open_ else "closed"})
    return see_other(f"/?{query}")


@routes.post("/period/{code}/close")
async def close_period(request: web.Request) -> web.StreamResponse:
    """Close a period to further submissions, as /close does."""
    return await _set_period(request, open_=False)


@routes.post("/period/{code}/reopen")
async def reopen_period(request: web.Request) -> web.StreamResponse:
    """Reopen a period, as /reopen does."""
    return await _set_period(request, open_=True)


@routes.get("/chart.png")
async def chart(request: web.Request) -> web.StreamResponse:
    """The status chart the bot sends with /status, drawn in a worker thread."""
    actor = await sessions.load_actor(request)
    if actor is None or not actor.is_coordinator:
        raise AccessDenied("see the chart", actor)
    desk = desk_of(request)
    status = await desk.runtime.status.status_for(actor, request.query.get("period") or None)
    tz = desk.runtime.settings.tz
    by_day = Counter(
        unit.submitted_at.astimezone(tz).date()
        for unit in status.units
        if unit.submitted_at is not None
    )
    today = desk.runtime.clock().astimezone(tz).date()
    png = await asyncio.to_thread(
        functools.partial(charts.status_chart, today=today), status, sorted(by_day.items())
    )
    return web.Response(body=png, content_type="image/png")
