"""Signed-in pages: the coordinator's status table, a unit's page, the XLSX and the attachment."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from urllib.parse import quote

from aiohttp import web

from cchc_bot import date_format, period_calendar
from cchc_bot.access import AccessDenied, Actor
from cchc_bot.config.base import UNIT_KIND_LABELS
from cchc_bot.conversation import SummaryView
from cchc_bot.exports import csv_table, naming, workbook
from cchc_bot.periods import ReportingPeriod
from cchc_bot.services.status import STATES
from cchc_bot.services.unit_view import ViewOutcome
from handlers.telegram import report_views
from handlers.web import actions, sessions
from handlers.web.desk import desk_of, page, see_other
from handlers.web.tables import Filters, plain, status_rows

routes = web.RouteTableDef()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_LABELS = {str(kind): label for kind, label in UNIT_KIND_LABELS.items()}


@dataclass(frozen=True)
class ItemLine:
    """One answer of a unit's report, as plain text the template escapes."""

    number: int
    label: str
    answer: str
    unit: str
    explanation: str
    has_error: bool


@dataclass(frozen=True)
class SectionBlock:
    """A section of a unit's report with its answers."""

    title: str
    items: tuple[ItemLine, ...]


def _sections(summary: SummaryView) -> list[SectionBlock]:
    return [
        SectionBlock(
            section.title,
            tuple(
                ItemLine(
                    number=item.number,
                    label=item.label,
                    answer=plain(report_views.answer_text(item.answer)),
                    unit=item.unit or "",
                    explanation=(item.answer.explanation or "") if item.answer else "",
                    has_error=item.has_error,
                )
                for item in section.items
            ),
        )
        for section in summary.sections
    ]


def _period_choices(request: web.Request, shown: ReportingPeriod) -> list[ReportingPeriod]:
    """The periods a coordinator may switch to: last year's and this year's, once opened."""
    desk = desk_of(request)
    now = desk.runtime.clock()
    bounds = desk.runtime.config.schedule.years
    first = max(shown.year - 1, bounds.first)
    last = max(shown.year, now.year) if bounds.last is None else min(shown.year, bounds.last)
    key = years = (first, max(first, last))
    if key not in desk.period_choices:
        desk.period_choices[key] = period_calendar.periods_in_years(
            desk.runtime.config.schedule, desk.runtime.settings.tz, *years
        )
    periods = desk.period_choices[key]
    return [p for p in reversed(periods) if p.opens_at <= now or p.code == shown.code]


async def _signed_in(request: web.Request) -> Actor | None:
    return await sessions.load_actor(request)


def _notice(request: web.Request) -> str:
    """What a desk action just did (a fixed code: no text from the address is shown)."""
    notice = request.query.get("notice", "")
    return notice if notice in actions.NOTICES else ""


def _period_query(request: web.Request) -> str | None:
    return request.query.get("period") or None


@routes.get("/")
async def home(request: web.Request) -> web.StreamResponse:
    """Coordinators: the status table; heads and staff: their own unit's page."""
    actor = await _signed_in(request)
    if actor is None:
        return page(request, "access.html", status=401, reason="signed_out")
    if not actor.is_coordinator:
        return see_other(f"/unit/{quote(actor.unit_code or '')}")
    desk = desk_of(request)
    status = await desk.runtime.status.status_for(actor, _period_query(request))
    kinds = sorted({unit.kind for unit in status.units})
    units = desk.runtime.config.units
    group_of = {unit.code: unit.group_code for unit in units.units}
    filters = Filters.from_query(request.query, kinds, group_of)
    groups = [(group.code, group.label) for group in units.unit_groups()]
    rows = status_rows(status, filters, desk.runtime.settings.tz)
    return page(
        request,
        "dashboard.html",
        status_view=status,
        deadline=date_format.format_datetime(status.period.deadline, desk.runtime.settings.tz),
        counts=status.counts(),
        rows=rows,
        total=len(status.units),
        filters=filters,
        kinds=[(kind, KIND_LABELS.get(kind, kind)) for kind in kinds],
        groups=groups,
        kind_labels=KIND_LABELS,
        states=STATES,
        periods=_period_choices(request, status.period),
        notice=_notice(request),
    )


@routes.get("/unit/{code}")
async def unit_page(request: web.Request) -> web.StreamResponse:
    """A unit's latest submitted values, for a coordinator or that unit's own people."""
    actor = await _signed_in(request)
    if actor is None:
        return page(request, "access.html", status=401, reason="signed_out")
    desk = desk_of(request)
    code = request.match_info["code"]
    shown = await desk.views.unit_report(actor, code, _period_query(request))
    if shown.outcome is ViewOutcome.UNKNOWN_UNIT:
        raise web.HTTPNotFound()
    tz = desk.runtime.settings.tz
    summary = shown.summary
    return page(
        request,
        "unit.html",
        shown=shown,
        submitted=shown.outcome is ViewOutcome.SHOWN and summary is not None,
        submitted_at=date_format.format_datetime(shown.submitted_at, tz)
        if shown.submitted_at
        else "",
        sections=_sections(summary) if summary is not None else [],
        warnings=[plain(line) for line in report_views.notice_lines(summary.warnings)]
        if summary is not None
        else [],
        notice=_notice(request),
        can_nudge=desk.send_reminder is not None,
    )


@routes.get("/unit/{code}/attachment")
async def attachment(request: web.Request) -> web.StreamResponse:
    """The signed file a unit attached, behind the same permission check as its page."""
    actor = await _signed_in(request)
    if actor is None:
        raise AccessDenied("download an attachment", None)
    shown = await desk_of(request).views.unit_report(
        actor, request.match_info["code"], _period_query(request)
    )
    if shown.attachment is None:
        raise web.HTTPNotFound()
    return web.Response(
        body=shown.attachment.content,
        headers={
            "Content-Type": "application/octet-stream",
            "Content-Disposition": "attachment; filename*=UTF-8''"
            + quote(shown.attachment.file_name),
        },
    )


def _download(body: bytes, content_type: str, name: str) -> web.Response:
    return web.Response(
        body=body,
        headers={
            "Content-Type": content_type,
            "Content-Disposition": "attachment; filename*=UTF-8''" + quote(name),
        },
    )


@routes.get("/export.xlsx")
async def export(request: web.Request) -> web.StreamResponse:
    """The period's XLSX aggregate through the export service (coordinators only)."""
    actor = await _signed_in(request)
    data = await desk_of(request).runtime.exports.export_for(actor, _period_query(request))
    buffer = io.BytesIO()
    await asyncio.to_thread(workbook.write_xlsx, data, buffer)
    name = naming.export_filename(data.period, data.generated_at, place=data.organisation.place)
    return _download(buffer.getvalue(), XLSX, name)


@routes.get("/export.csv")
async def export_csv(request: web.Request) -> web.StreamResponse:
    """The per-unit table as CSV (UTF-8 with BOM, for Excel), coordinators only."""
    actor = await _signed_in(request)
    data = await desk_of(request).runtime.exports.export_for(actor, _period_query(request))
    text = io.StringIO(newline="")
    await asyncio.to_thread(csv_table.write_csv, data, text)
    name = naming.export_filename(
        data.period,
        data.generated_at,
        place=data.organisation.place,
        extension=naming.CSV_EXTENSION,
    )
    return _download(text.getvalue().encode("utf-8"), "text/csv; charset=utf-8", name)
