"""The web desk beside the sandbox: served on a local port, a sign-in link for each persona."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from cchc_bot.clock import Clock
from cchc_bot.runtime import Runtime
from cchc_bot.sandbox.personas import PERSONAS
from cchc_bot.services.web_access import WebAccessService
from cchc_bot.texts import web as texts

# Serve the desk on the sandbox's runtime (with its token and running bot); yields its URL.
# Injected by the command line, as the bot's application is: the sandbox imports no handlers.
ServeWeb = Callable[[Runtime, str, Any], AbstractAsyncContextManager[str]]


async def persona_links(runtime: Runtime, clock: Clock, base: str) -> list[str]:
    """One line per persona: who it is and the single-use link that signs them in."""
    access = WebAccessService(runtime.session_factory, clock)
    lines = [texts.SANDBOX_WEB.format(base=base)]
    for persona in PERSONAS:
        actor = await runtime.accounts.resolve_actor(persona.user_id)
        if actor is None:
            continue
        issued = await access.create_link(actor)
        url = f"{base}/login?token={issued.token}"
        lines.append(texts.SANDBOX_WEB_LINK.format(label=persona.label, url=url))
    lines.append(texts.SANDBOX_WEB_NOTE)
    return lines
