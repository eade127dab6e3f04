"""/web: a single-use sign-in link to the web desk, for linked accounts."""

from __future__ import annotations

from urllib.parse import urlencode

from telegram import (
    Bot,
    LinkPreviewOptions,
    MenuButtonDefault,
    MenuButtonWebApp,
    Update,
    WebAppInfo,
)
from telegram.constants import ParseMode
from telegram.ext import CommandHandler

from cchc_bot import date_format
from cchc_bot.access import Actor, Role
from cchc_bot.services.web_access import WebAccessService
from cchc_bot.texts import chat_accounts, chat_common
from handlers.telegram.auth import for_roles
from handlers.telegram.context import CchcApplication, CchcContext


def sign_in_url(web_url: str, token: str) -> str:
    """The link a `/web` reply carries: the desk's sign-in page with the token."""
    return f"{web_url}/login?{urlencode({'token': token})}"


@for_roles(Role.HEAD, Role.STAFF, Role.COORDINATOR)
async def web_command(update: Update, context: CchcContext, actor: Actor) -> None:
    """Send a fresh single-use link (10 minutes), or say the desk is not set up here."""
    message = update.effective_message
    assert message is not None
    runtime = context.runtime
    web_url = runtime.settings.web_url
    if web_url is None:
        await message.reply_text(chat_accounts.WEB_NOT_CONFIGURED)
        return
    issued = await WebAccessService(runtime.session_factory, runtime.clock).create_link(actor)
    await message.reply_text(
        chat_accounts.WEB_LINK.format(
            link=chat_common.html(sign_in_url(web_url, issued.token)),
            expires=date_format.format_datetime(issued.expires_at, runtime.settings.tz),
        ),
        parse_mode=ParseMode.HTML,
        # No preview: nothing but the person's own click should ever open the link.
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )


async def set_menu_button(bot: Bot, chat_id: int, web_url: str | None, linked: bool) -> None:
    """A linked person's menu button opens the desk as a Mini App (Telegram needs HTTPS)."""
    if web_url is None or not web_url.startswith("https://"):
        return
    button = (
        MenuButtonWebApp(chat_accounts.WEB_MENU_BUTTON, WebAppInfo(f"{web_url}/app"))
        if linked
        else MenuButtonDefault()
    )
    await bot.set_chat_menu_button(chat_id=chat_id, menu_button=button)


def register(application: CchcApplication) -> None:
    """Attach /web."""
    application.add_handler(CommandHandler("web", web_command))
