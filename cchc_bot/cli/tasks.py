"""`cchc-bot tasks`: the plan annex's tasks by standing, overdue first, with the rates."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cchc_bot.cli.base import (
    CliError,
    app,
    context_of,
    load_config,
    print_json,
    run_async,
    say,
    user_errors,
    with_database,
)
from cchc_bot.services.tasks import TaskOverview, TaskService, UnknownTaskError
from cchc_bot.tasks.listing import counts_words, line, rate_words, rates_json, standing_json
from cchc_bot.texts import tasks as words
from db.session import SessionFactory


def overview_json(overview: TaskOverview) -> dict[str, Any]:
    """`tasks --json`: the period, the district's and each agency's rates, every standing."""
    names = overview.unit_names
    return {
        "period": overview.period.code,
        "label": overview.period.label,
        "as_of": overview.as_of.isoformat(),
        "district": rates_json(overview.district),
        "agencies": [
            {"unit": unit, "name": names.get(unit, unit), **rates_json(rates)}
            for unit, rates in overview.agencies.items()
        ],
        "tasks": [standing_json(row, names) for row in overview.rows],
    }


@app.command("tasks")
@user_errors
def tasks_command(
    ctx: typer.Context,
    period: Annotated[str | None, typer.Option(help="period code such as 2024-H1")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
    reopen: Annotated[
        str | None, typer.Option(help="reopen a task a unit reported done: UNIT:TASK")
    ] = None,
) -> None:
    """The plan annex's tasks (tasks.yaml) by standing, overdue first, and the rates."""
    cli = context_of(ctx)
    config = load_config(cli)
    settings = cli.settings
    if reopen is not None:
        unit, _, task = reopen.partition(":")
        if not unit or not task:
            raise CliError("--reopen takes UNIT:TASK, e.g. p_noi_vu:kh_tuyen_truyen")

        async def reopen_work(session_factory: SessionFactory) -> int:
            service = TaskService(session_factory, config, cli.clock, settings.tz)
            try:
                return await service.reopen(None, unit, task)
            except UnknownTaskError as exc:
                raise CliError(f"unknown task {task!r} in tasks.yaml") from exc

        changed = run_async(with_database(settings, reopen_work))
        say(words.REOPENED.format(task=task, unit=unit, count=changed))
        return

    async def work(session_factory: SessionFactory) -> TaskOverview:
        service = TaskService(session_factory, config, cli.clock, settings.tz)
        return await service.overview(None, period)

    overview = run_async(with_database(settings, work))
    if as_json:
        print_json(overview_json(overview))
        return
    if config.tasks is None:
        say(words.LIST_EMPTY)
        return
    say(words.LIST_TITLE_PLAIN.format(period=overview.period.label))
    say(counts_words(overview.district))
    say(rate_words(overview.district))
    for row in overview.rows:
        say(line(row, overview.unit_names))
