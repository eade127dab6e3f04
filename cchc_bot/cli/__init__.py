"""The `cchc-bot` command line (CONTRACT.md): operator commands, one module per topic."""

from cchc_bot.cli import (
    configuration,
    imports,
    maintenance,
    people,
    reminders,
    reporting,
    tasks,
)
from cchc_bot.cli.base import (
    CliContext,
    CliError,
    app,
    console,
    context_of,
    error_console,
    fail,
    print_json,
    require_current_schema,
    run_async,
    startup_faults,
    user_errors,
    with_database,
)

__all__ = [
    "CliContext",
    "CliError",
    "app",
    "configuration",
    "console",
    "context_of",
    "error_console",
    "fail",
    "imports",
    "maintenance",
    "people",
    "print_json",
    "reminders",
    "reporting",
    "require_current_schema",
    "run_async",
    "startup_faults",
    "tasks",
    "user_errors",
    "with_database",
]
