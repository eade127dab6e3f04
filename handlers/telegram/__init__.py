"""Telegram updates -> service calls -> replies: the chat adapters, views, transport, webhook."""
