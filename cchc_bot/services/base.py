"""What every configured service shares: sessions, configuration, clock, zone, periods."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from cchc_bot import period_calendar
from cchc_bot.clock import Clock
from cchc_bot.config.loading import Configuration
from cchc_bot.config.questionnaire import Questionnaire
from cchc_bot.periods import ReportingPeriod
from db.models import QuestionnaireVersion
from db.session import SessionFactory


class ConfiguredService:
    """Base of the services that read the configuration and the reporting calendar."""

    def __init__(
        self, session_factory: SessionFactory, config: Configuration, clock: Clock, tz: ZoneInfo
    ) -> None:
        self._sessions = session_factory
        self._config = config
        self._clock = clock
        self._tz = tz
        # Stored questionnaire versions never change, so their parsed models are kept.
        self._questionnaires: dict[int, Questionnaire] = {}
        # Periods follow from the configuration alone, which does not change while running.
        self._periods: dict[str, ReportingPeriod] = {}

    def period(self, code: str | None) -> ReportingPeriod:
        """The period of a code, or the one whose deadline is nearest now (UnknownPeriodError)."""
        if code is None:
            return period_calendar.nearest_period(self._config.schedule, self._tz, self._clock())
        period = self._periods.get(code)
        if period is None:
            period = period_calendar.period_by_code(self._config.schedule, code, self._tz)
            self._periods[code] = period
        return period

    def questionnaire_of(self, version: QuestionnaireVersion) -> Questionnaire:
        """The parsed questionnaire of a stored version."""
        if version.id not in self._questionnaires:
            self._questionnaires[version.id] = Questionnaire.model_validate(version.content)
        return self._questionnaires[version.id]
