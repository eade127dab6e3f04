"""Reminders exactly once: what is due, claimed under a unique key, sent, recorded."""

from cchc_bot.services.reminders.messages import (
    RETRY_BASE,
    RETRY_CAP,
    Deliver,
    DeliveryOutcome,
    DeliveryResult,
    NudgePlan,
    OverdueUnit,
    ReminderItem,
    ReminderMessage,
    RunReport,
    dedup_key,
    parse_dedup_key,
    retry_delay,
)
from cchc_bot.services.reminders.service import ReminderService
from cchc_bot.services.reminders.snapshot import insert_new_claims

__all__ = [
    "RETRY_BASE",
    "RETRY_CAP",
    "Deliver",
    "DeliveryOutcome",
    "DeliveryResult",
    "NudgePlan",
    "OverdueUnit",
    "ReminderItem",
    "ReminderMessage",
    "ReminderService",
    "RunReport",
    "dedup_key",
    "insert_new_claims",
    "parse_dedup_key",
    "retry_delay",
]
