"""The web desk: HTTP routes -> the same services as the chat -> server-rendered pages."""
