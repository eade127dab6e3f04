"""User-facing Vietnamese wording, grouped by audience and topic."""
