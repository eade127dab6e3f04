"""The HTTP side of the local server: aiohttp routes for the Bot API, files and control."""
