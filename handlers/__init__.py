"""Telegram updates -> service calls -> replies; the wording lives in `texts.py`."""
