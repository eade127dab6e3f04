"""Invites, linking Telegram accounts, revoking them, reachability and audit of it all."""

from cchc_bot.services.accounts.records import (
    DEFAULT_INVITE_DAYS,
    FAILED_LINK_LIMIT,
    FAILED_LINK_WINDOW,
    TOKEN_BYTES,
    TOKEN_PATTERN,
    AccountError,
    CreatedInvite,
    InviteView,
    LinkOutcome,
    LinkResult,
    LinkTarget,
    TelegramIdentity,
    active_member,
    actor_from,
    audit,
    hash_token,
    new_token,
)
from cchc_bot.services.accounts.service import AccountService

__all__ = [
    "DEFAULT_INVITE_DAYS",
    "FAILED_LINK_LIMIT",
    "FAILED_LINK_WINDOW",
    "TOKEN_BYTES",
    "TOKEN_PATTERN",
    "AccountError",
    "AccountService",
    "CreatedInvite",
    "InviteView",
    "LinkOutcome",
    "LinkResult",
    "LinkTarget",
    "TelegramIdentity",
    "active_member",
    "actor_from",
    "audit",
    "hash_token",
    "new_token",
]
