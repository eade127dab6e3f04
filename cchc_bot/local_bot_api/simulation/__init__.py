"""The people side of the simulated Telegram: users act, tests read transcripts and wait."""

from cchc_bot.local_bot_api.simulation.actions import UserActions
from cchc_bot.local_bot_api.simulation.observing import DEFAULT_QUIET, DEFAULT_TIMEOUT, Observation
from cchc_bot.local_bot_api.simulation.web_apps import WebApps


class Simulation(UserActions, WebApps, Observation):
    """Users, groups and what they do; transcripts, counters and awaitable waits."""


__all__ = ["DEFAULT_QUIET", "DEFAULT_TIMEOUT", "Simulation"]
