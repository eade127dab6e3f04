"""The Bot API methods, one module per family, combined into `BotApi`."""

from cchc_bot.local_bot_api.api.base import ApiResult, Params
from cchc_bot.local_bot_api.api.bot_api import BotApi

__all__ = ["ApiResult", "BotApi", "Params"]
