"""`cchc-bot sandbox`: the real bot against the local Telegram server, in a terminal chat."""

from cchc_bot.sandbox.personas import PERSONAS, Persona
from cchc_bot.sandbox.run import parse_start, run_sandbox
from cchc_bot.sandbox.session import ReminderTick, SandboxOptions
from cchc_bot.sandbox.startup import BuildApplication

__all__ = [
    "PERSONAS",
    "BuildApplication",
    "Persona",
    "ReminderTick",
    "SandboxOptions",
    "parse_start",
    "run_sandbox",
]
