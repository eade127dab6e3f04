"""The plan annex's tasks as a pure domain: who is asked what, their standing and the rates."""
