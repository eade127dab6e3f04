"""Inbound adapters: `telegram/` (the chat) and `web/` (the desk), both calling the services."""
