"""The bot's brain: what it knows and how it decides what to say."""
