"""setWebhook, deleteWebhook and getWebhookInfo: switching between a webhook and getUpdates."""

from __future__ import annotations

import re
from typing import Any

from cchc_bot.local_bot_api.api.base import ApiBase, ApiResult, Params
from cchc_bot.local_bot_api.errors import bad_request
from cchc_bot.local_bot_api.model.updates import WebhookConfig

_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


class WebhookMethods(ApiBase):
    """Where updates go: the webhook's configuration as the bot set it."""

    def set_webhook(self, params: Params) -> ApiResult:
        """setWebhook: updates go to `url` from now on (http is allowed: this server is local)."""
        url = str(params["url"])
        if not url.startswith(("https://", "http://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self.state.drop_updates()
        if "allowed_updates" in params:
            self.state.set_allowed_updates(params["allowed_updates"])
        self.state.webhook = WebhookConfig(
            url=url,
            secret_token=secret,
            max_connections=int(params.get("max_connections", 40)),
            ip_address=params.get("ip_address"),
        )
        self._on_webhook_change()
        self.state.signal.bump()
        return ApiResult(True, "Webhook was set")

    def delete_webhook(self, params: Params) -> ApiResult:
        """deleteWebhook: back to getUpdates."""
        had_webhook = self.state.webhook is not None
        self.state.webhook = None
        if params.get("drop_pending_updates"):
            self.state.drop_updates()
        self._on_webhook_change()
        self.state.signal.bump()
        return ApiResult(
            True, "Webhook was deleted" if had_webhook else "Webhook is already deleted"
        )

    def get_webhook_info(self, params: Params) -> dict[str, Any]:
        """getWebhookInfo."""
        hook = self.state.webhook
        info: dict[str, Any] = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.updates),
        }
        if hook is not None:
            info["max_connections"] = hook.max_connections
            if hook.ip_address:
                info["ip_address"] = hook.ip_address
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
            if self.state.allowed_updates_set is not None:
                info["allowed_updates"] = list(self.state.allowed_updates_set)
        return info
