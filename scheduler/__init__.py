"""Reminder jobs: APScheduler, through PTB's JobQueue, ticking the reminder service."""
