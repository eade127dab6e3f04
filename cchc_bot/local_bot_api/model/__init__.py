"""The simulated world's data: accounts, chats, messages, files, updates, and their rules."""
