"""The report as a form for a unit's head or clerk: one section per screen, saved per field."""

from __future__ import annotations

from typing import Any

from aiohttp import BodyPartReader, web

from cchc_bot import date_format
from cchc_bot.access import AccessDenied, Actor, Role, require_unit_member
from cchc_bot.conversation import SummaryView
from cchc_bot.services.attachments import MAX_ATTACHMENT_BYTES
from cchc_bot.services.reports import ReportOutcome, ReportResult
from cchc_bot.services.reports.form import FieldsSaved, FormOutcome, FormPage
from cchc_bot.services.reports.form_fields import FieldOutcome
from cchc_bot.texts import web as web_texts
from handlers.telegram import report_views
from handlers.web import notices as telling
from handlers.web import sessions
from handlers.web.desk import desk_of, page, see_other
from handlers.web.form_view import ShownField, changed_inputs, shown
from handlers.web.tables import plain

routes = web.RouteTableDef()


async def _member(request: web.Request) -> Actor:
    """The signed-in head or clerk (AccessDenied for anyone else)."""
    actor = await sessions.load_actor(request)
    return require_unit_member(actor, "open the report form")


def _submission_id(request: web.Request) -> int:
    raw = request.match_info["submission"]
    if not raw.isdecimal() or len(raw) > 12:
        raise web.HTTPNotFound()
    return int(raw)


async def _csrf_form(request: web.Request) -> Any:
    form = await request.post()
    if not sessions.session_csrf_ok(request, str(form.get(sessions.CSRF_FIELD, ""))):
        raise _CsrfRefused()
    return form


class _CsrfRefused(Exception):
    """A signed-in post without its session's CSRF token."""


def _section_index(request: web.Request, form_page: FormPage) -> int:
    """The screen asked for: a section's number from 1, or one past the last (the summary)."""
    raw = request.query.get("section", "1")
    number = int(raw) if raw.isdecimal() and len(raw) <= 3 else 1
    return min(max(number, 1), len(form_page.sections) + 1)


def _render(
    request: web.Request,
    form_page: FormPage,
    index: int,
    fields: list[ShownField] | None = None,
    notices: list[str] | None = None,
    status: int = 200,
) -> web.Response:
    screen = form_page.screen
    summary = _summary(form_page)
    on_summary = index > len(form_page.sections)
    section = None if on_summary else form_page.sections[index - 1]
    if section is not None and fields is None:
        fields = [shown(item) for item in section.fields]
    tz = desk_of(request).runtime.settings.tz
    return page(
        request,
        "form.html",
        status=status,
        screen=screen,
        summary=summary,
        sections=form_page.sections,
        index=index,
        section=section,
        fields=fields or [],
        notices=notices or [],
        errors=[plain(line) for line in report_views.notice_lines(summary.errors)],
        warnings=[plain(line) for line in report_views.notice_lines(summary.warnings)],
        answer_texts={
            item.indicator_id: plain(report_views.answer_text(item.answer))
            for block in summary.sections
            for item in block.items
        },
        deadline=date_format.format_datetime(screen.period.deadline, tz),
        approval=desk_of(request).runtime.config.schedule.submission.staff_may_submit is False,
    )


def _summary(form_page: FormPage) -> SummaryView:
    view = form_page.screen.view
    assert isinstance(view, SummaryView)
    return view


def _receipt_page(request: web.Request, actor: Actor, result: ReportResult) -> web.Response:
    tz = desk_of(request).runtime.settings.tz
    receipt = result.receipt
    return page(
        request,
        "form_done.html",
        result=result,
        receipt=receipt,
        submitted_at=date_format.format_datetime(receipt.submitted_at, tz) if receipt else "",
        is_head=actor.role is Role.HEAD,
    )


@routes.get("/form")
async def open_form(request: web.Request) -> web.StreamResponse:
    """Start or resume the unit's report (as /report does) and show it as a form."""
    actor = await _member(request)
    reports = desk_of(request).runtime.reports
    result = await reports.start(actor, request.query.get("period") or None)
    if result.outcome is ReportOutcome.SCREEN and result.screen is not None:
        form_page = await reports.form(actor, result.screen.submission_id)
        if form_page is None:
            raise AccessDenied("open the report form", actor)
        return _render(request, form_page, _section_index(request, form_page))
    if result.outcome in (ReportOutcome.ALREADY_SUBMITTED, ReportOutcome.AWAITING_APPROVAL):
        return _receipt_page(request, actor, result)
    return page(request, "form_closed.html", result=result)


def _closed_text(request: web.Request) -> str:
    """The period is closed: whom to contact, by the configured office's name."""
    return web_texts.CLOSED.format(office=desk_of(request).runtime.config.units.organisation.office)


def _wants_json(request: web.Request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


@routes.post("/form/{submission}/save")
async def save(request: web.Request) -> web.StreamResponse:
    """Save the fields a post changed (one, from the page's script; a section, without it)."""
    actor = await _member(request)
    submission_id = _submission_id(request)
    try:
        form = await _csrf_form(request)
    except _CsrfRefused:
        return page(request, "error.html", status=403, reason="csrf")
    reports = desk_of(request).runtime.reports
    only = str(form["only"])[:100] if "only" in form else None
    ids = [only] if only else [str(key)[2:102] for key in form if str(key).startswith("w.")]
    inputs, typed = changed_inputs(form, ids, only)
    raw_section = str(form.get("section", "1"))
    index = int(raw_section) if raw_section.isdecimal() and len(raw_section) <= 3 else 1
    script = _wants_json(request)
    saved = await reports.save_fields(actor, submission_id, inputs, index, brief=script)
    if saved.outcome == FormOutcome.NOT_YOURS:
        raise AccessDenied("answer a report", actor)
    if not saved.after:
        closed = saved.outcome == FormOutcome.CLOSED
        message = _closed_text(request) if closed else web_texts.NOT_EDITABLE
        if script:
            return web.json_response({"ok": False, "message": message}, status=409)
        current = await reports.form(actor, submission_id)
        if current is None:
            raise AccessDenied("answer a report", actor)
        index = min(max(index, 1), len(current.sections))
        return _render(request, current, index, notices=[message], status=409)
    index = min(max(index, 1), len(saved.after))
    fields = _fields_after(saved, index, typed)
    if script:
        return _field_json(request, saved, fields, saved.touched)
    assert saved.page is not None
    if any(field.has_error for field in fields):
        return _render(request, saved.page, index, fields)
    return see_other(f"/form?period={saved.page.screen.period.code}&section={index + 1}")


def _fields_after(
    saved: FieldsSaved, index: int, typed: dict[str, dict[str, str]]
) -> list[ShownField]:
    results: dict[str, FieldOutcome] = {result.indicator_id: result for result in saved.fields}
    return [
        shown(
            item,
            result=results.get(item.view.indicator_id),
            typed=typed.get(item.view.indicator_id),
        )
        for item in saved.after[index - 1].fields
    ]


def _field_json(
    request: web.Request, saved: FieldsSaved, fields: list[ShownField], touched: frozenset[str]
) -> web.Response:
    macro = desk_of(request).templates.get_template("_field.html").module
    rendered = {
        field.view.indicator_id: str(macro.field(field))  # type: ignore[attr-defined]
        for field in fields
        if field.view.indicator_id in touched
    }
    return web.json_response(
        {
            "ok": True,
            "fields": rendered,
            "answered": saved.answered,
            "total": saved.total,
        }
    )


@routes.post("/form/{submission}/submit")
async def submit(request: web.Request) -> web.StreamResponse:
    """Submit (or, for a clerk in approval mode, hand to the head) with the chat's rules."""
    actor = await _member(request)
    submission_id = _submission_id(request)
    try:
        await _csrf_form(request)
    except _CsrfRefused:
        return page(request, "error.html", status=403, reason="csrf")
    reports = desk_of(request).runtime.reports
    result = await reports.submit_form(actor, submission_id)
    if result.outcome is ReportOutcome.SUBMITTED:
        await telling.after_submission(desk_of(request), result)
        return _receipt_page(request, actor, result)
    form_page = await reports.form(actor, submission_id)
    if form_page is None:
        raise AccessDenied("submit a report", actor)
    notices = []
    if result.screen is not None:
        notices = [plain(line) for line in report_views.notice_lines(result.screen.view.notices)]
    elif result.outcome is ReportOutcome.PERIOD_CLOSED:
        notices = [_closed_text(request)]
    else:
        notices = [web_texts.NOT_EDITABLE]
    return _render(request, form_page, len(form_page.sections) + 1, notices=notices, status=409)


@routes.post("/form/{submission}/attachment")
async def upload(request: web.Request) -> web.StreamResponse:
    """Attach the signed report file (streamed; the service checks type, size and content)."""
    actor = await _member(request)
    submission_id = _submission_id(request)
    reports = desk_of(request).runtime.reports
    if not request.content_type.startswith("multipart/"):
        return page(request, "error.html", status=403, reason="csrf")  # no token to read
    reader = await request.multipart()
    csrf = ""
    name, mime, content = "", "", b""
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        if part.name == sessions.CSRF_FIELD:
            csrf = (await part.read(decode=True))[:200].decode(errors="replace")
        elif part.name == "file" and part.filename:
            name, mime = part.filename, part.headers.get("Content-Type", "")
            chunks = bytearray()
            while chunk := await part.read_chunk():
                chunks += chunk
                if len(chunks) > MAX_ATTACHMENT_BYTES:
                    break
            content = bytes(chunks)
    if not sessions.session_csrf_ok(request, csrf):
        return page(request, "error.html", status=403, reason="csrf")
    form_page = await reports.form(actor, submission_id)
    if form_page is None:
        raise AccessDenied("attach a file", actor)
    result = await reports.attach(actor, name, mime, content)
    if result.accepted:
        notice = web_texts.UPLOADED.format(name=result.file_name or name)
        form_page = await reports.form(actor, submission_id) or form_page
    else:
        notice = web_texts.UPLOAD_REFUSED.get(result.reason or "", web_texts.UPLOAD_REFUSED["type"])
    return _render(
        request,
        form_page,
        len(form_page.sections) + 1,
        notices=[notice],
        status=200 if result.accepted else 400,
    )


@routes.post("/form/{submission}/revise")
async def revise(request: web.Request) -> web.StreamResponse:
    """Reopen a submitted report before its deadline, as «Sửa báo cáo» does in the chat."""
    actor = await _member(request)
    submission_id = _submission_id(request)
    try:
        await _csrf_form(request)
    except _CsrfRefused:
        return page(request, "error.html", status=403, reason="csrf")
    reports = desk_of(request).runtime.reports
    if await reports.form(actor, submission_id) is None:
        raise AccessDenied("revise a report", actor)
    result = await reports.revise(actor, submission_id)
    if result.screen is None:
        return _receipt_page(request, actor, result)
    return see_other(f"/form?period={result.screen.period.code}")


@routes.post("/form/{submission}/approval")
async def approval(request: web.Request) -> web.StreamResponse:
    """The head approves the clerk's prepared report, or sends it back to the draft."""
    actor = await _member(request)
    submission_id = _submission_id(request)
    try:
        form = await _csrf_form(request)
    except _CsrfRefused:
        return page(request, "error.html", status=403, reason="csrf")
    approve = form.get("decision") == "approve"
    reports = desk_of(request).runtime.reports
    if await reports.form(actor, submission_id) is None:
        raise AccessDenied("approve a report", actor)
    result = await reports.decide_approval(actor, submission_id, approve)
    await telling.after_approval(desk_of(request), result, approved=approve)
    if result.outcome is ReportOutcome.SUBMITTED:
        return _receipt_page(request, actor, result)
    period = result.period.code if result.period is not None else ""
    return see_other(f"/form?period={period}")
