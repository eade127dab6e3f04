"""The report service on SQLite and PostgreSQL: a whole report answered and submitted."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from cchc_bot.access import Role
from cchc_bot.clock import MovableClock
from cchc_bot.config.loading import Configuration, load_configuration
from cchc_bot.conversation import ButtonPress, QuestionView, SummaryView, TextInput
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.services.accounts import AccountService, TelegramIdentity
from cchc_bot.services.config_sync import sync_configuration
from cchc_bot.services.reports import ReportOutcome, ReportService
from db.models import Answer, Attachment, AuditEvent, Submission, SubmissionVersion, Unit
from db.session import SessionFactory

from ..bot.reporting import error_rules, figures_of, plausible_answer

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
HEAD = 701

BUTTON_ACTIONS = {
    "✅ Đúng": ButtonPress("confirm"),
    "✅ Số liệu đúng": ButtonPress("confirm"),
    "✅ Có": ButtonPress("yes"),
    "⏭ Bỏ qua": ButtonPress("skip"),
}
RULES = error_rules(load_configuration(bundled_config_dir()).questionnaire)


async def clerk_event(
    session_factory: SessionFactory, view: QuestionView, submission_id: int
) -> TextInput | ButtonPress:
    """The careful clerk's answer (tests/bot/reporting.py) given the draft's saved figures."""
    async with session_factory() as session:
        rows = await session.scalars(select(Answer).where(Answer.submission_id == submission_id))
        figures = figures_of({row.indicator_id: row for row in rows})
    kind, value = plausible_answer(view, figures, RULES)
    return BUTTON_ACTIONS[value] if kind == "press" else TextInput(value)


async def test_a_whole_report_is_answered_committed_and_submitted(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    await sync_configuration(session_factory, bundled_config, clock, clock().date())
    accounts = AccountService(session_factory, clock)
    invite = await accounts.create_invite(Role.HEAD, "xa_tai_van")
    await accounts.link(TelegramIdentity(HEAD, "Chủ tịch"), invite.token)
    actor = await accounts.resolve_actor(HEAD)
    assert actor is not None
    reports = ReportService(session_factory, bundled_config, clock, TZ)
    result = await reports.start(actor)
    assert result.outcome is ReportOutcome.SCREEN
    for _ in range(300):
        screen = result.screen
        assert screen is not None
        view = screen.view
        if isinstance(view, SummaryView):
            result = await reports.answer_from(HEAD, ButtonPress("submit"))
            break
        assert isinstance(view, QuestionView)
        event = await clerk_event(session_factory, view, screen.submission_id)
        result = await reports.answer_from(HEAD, event)
        assert result.outcome is ReportOutcome.SCREEN, result.outcome
    assert result.outcome is ReportOutcome.SUBMITTED
    assert result.receipt is not None
    assert result.receipt.version == 1
    async with session_factory() as session:
        assert await session.scalar(select(Submission.state)) == "submitted"
        assert await session.scalar(select(func.count()).select_from(SubmissionVersion)) == 1
        assert (await session.scalar(select(func.count()).select_from(Answer)) or 0) >= 30
    again = await reports.answer_from(HEAD, TextInput("5"))
    assert again.outcome is ReportOutcome.NOT_IN_REPORT


async def test_a_changed_unit_flag_changes_the_question_list_of_an_open_draft(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    """The per-process context cache is keyed by the unit's configuration, not just its id."""
    await sync_configuration(session_factory, bundled_config, clock, clock().date())
    accounts = AccountService(session_factory, clock)
    invite = await accounts.create_invite(Role.HEAD, "xa_tai_van")
    await accounts.link(TelegramIdentity(HEAD, "Chủ tịch"), invite.token)
    actor = await accounts.resolve_actor(HEAD)
    assert actor is not None
    reports = ReportService(session_factory, bundled_config, clock, TZ)
    started = await reports.start(actor)
    assert started.screen is not None
    assert isinstance(started.screen.view, QuestionView)
    with_tthc = started.screen.view.total
    async with session_factory.begin() as session:
        await session.execute(update(Unit).where(Unit.code == "xa_tai_van").values(has_tthc=False))
    again = await reports.answer_from(HEAD, ButtonPress("back"))
    assert again.screen is not None
    assert isinstance(again.screen.view, QuestionView)
    assert again.screen.view.total < with_tthc


async def test_a_cached_and_a_fresh_context_answer_alike(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    """One answer path: with the draft's context cached and with it built again for every
    answer, the screens and the stored answers are the same (junk and going back included).
    """
    await sync_configuration(session_factory, bundled_config, clock, clock().date())
    accounts = AccountService(session_factory, clock)
    warm = ReportService(session_factory, bundled_config, clock, TZ)
    cold = ReportService(session_factory, bundled_config, clock, TZ)
    people = {"xa_dai_an_2": 801, "xa_lieu_tu": 802}
    for unit, user in people.items():
        invite = await accounts.create_invite(Role.HEAD, unit)
        await accounts.link(TelegramIdentity(user, "Chủ tịch"), invite.token)
    warm_actor = await accounts.resolve_actor(801)
    cold_actor = await accounts.resolve_actor(802)
    assert warm_actor is not None
    assert cold_actor is not None
    warm_result = await warm.start(warm_actor)
    cold_result = await cold.start(cold_actor)
    answered = 0
    for step in range(300):
        assert warm_result.screen is not None
        assert cold_result.screen is not None
        assert warm_result.screen.view == cold_result.screen.view, step
        view = warm_result.screen.view
        if isinstance(view, SummaryView):
            break
        if step % 5 == 2:
            event: TextInput | ButtonPress = TextInput("không biết")
        elif step % 7 == 3:
            event = ButtonPress("back")
        else:
            assert isinstance(view, QuestionView)
            event = await clerk_event(session_factory, view, warm_result.screen.submission_id)
        cold._contexts.clear()  # the cold service builds the context again for every answer
        cold_result = await cold.answer_from(802, event)
        warm_result = await warm.answer_from(801, event)
        answered += 1
    assert isinstance(view, SummaryView)
    assert answered > 20
    assert len(warm._contexts) == 1  # the warm service built its context once
    async with session_factory() as session:
        rows = (
            await session.execute(
                select(
                    Submission.unit_id,
                    Answer.indicator_id,
                    Answer.value,
                    Answer.numerator,
                    Answer.denominator,
                    Answer.text_value,
                    Answer.not_applicable,
                    Answer.skipped,
                    Answer.explanation,
                    Answer.confirmed_warnings,
                ).join(Submission, Submission.id == Answer.submission_id)
            )
        ).all()
    by_unit: dict[int, set[tuple[object, ...]]] = {}
    for unit_id, *columns in rows:
        by_unit.setdefault(unit_id, set()).add(tuple(str(column) for column in columns))
    warm_answers, cold_answers = by_unit.values()
    assert warm_answers == cold_answers
    assert len(warm_answers) >= 20


async def test_the_signed_file_keeps_the_summary_buttons_and_reaches_the_receipt(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    await sync_configuration(session_factory, bundled_config, clock, clock().date())
    accounts = AccountService(session_factory, clock)
    invite = await accounts.create_invite(Role.HEAD, "xa_tai_van")
    await accounts.link(TelegramIdentity(HEAD, "Chủ tịch"), invite.token)
    actor = await accounts.resolve_actor(HEAD)
    assert actor is not None
    reports = ReportService(session_factory, bundled_config, clock, TZ)
    result = await reports.start(actor)
    for _ in range(300):
        assert result.screen is not None
        view = result.screen.view
        if isinstance(view, SummaryView):
            break
        assert isinstance(view, QuestionView)
        event = await clerk_event(session_factory, view, result.screen.submission_id)
        result = await reports.answer_from(HEAD, event)
    summary = result.screen
    assert summary is not None
    forged = await reports.attach(actor, "bao-cao.pdf", "application/pdf", b"PK\x03\x04zip")
    assert (forged.accepted, forged.reason) == (False, "content")
    saved = await reports.attach(actor, "bao-cao.pdf", "application/pdf", b"%PDF-1.7 signed")
    assert saved.accepted
    assert saved.screen is not None
    assert saved.screen.token == summary.token  # the summary's buttons stay valid
    submitted = await reports.answer_from(
        HEAD, ButtonPress("submit"), submission_id=summary.submission_id, token=summary.token
    )
    assert submitted.outcome is ReportOutcome.SUBMITTED
    receipt = submitted.receipt
    assert receipt is not None
    assert receipt.attachment_name == "bao-cao.pdf"
    assert (receipt.answered, receipt.total) == (summary.view.answered, summary.view.total)

    # The head signs the generated report afterwards and sends the signed copy back.
    signed = await reports.attach(actor, "bao-cao-da-ky.pdf", "application/pdf", b"%PDF-1.7 ky")
    assert (signed.accepted, signed.after_submission, signed.screen) == (True, True, None)
    async with session_factory() as session:
        stored = (
            await session.scalars(
                select(Attachment).where(Attachment.submission_id == summary.submission_id)
            )
        ).all()
        audited = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "signed_file_attached")
            )
        ).all()
    assert [(a.file_name, a.content) for a in stored] == [("bao-cao-da-ky.pdf", b"%PDF-1.7 ky")]
    assert [event.details["submission"] for event in audited] == [summary.submission_id]


async def test_a_signed_file_with_no_report_sent_or_open_is_refused(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    await sync_configuration(session_factory, bundled_config, clock, clock().date())
    accounts = AccountService(session_factory, clock)
    invite = await accounts.create_invite(Role.HEAD, "xa_tai_van")
    await accounts.link(TelegramIdentity(HEAD, "Chủ tịch"), invite.token)
    actor = await accounts.resolve_actor(HEAD)
    assert actor is not None
    reports = ReportService(session_factory, bundled_config, clock, TZ)
    refused = await reports.attach(actor, "bao-cao.pdf", "application/pdf", b"%PDF-1.7 ky")
    assert (refused.accepted, refused.reason) == (False, "no_report")
