"""Tests of the local Telegram-compatible Bot API server."""
