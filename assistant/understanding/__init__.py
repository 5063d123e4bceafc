"""The bot's understanding of a message: its intent (`intents`) and what it names (`entities`),
both on top of a small sentence encoder (`encoder`).

Importing this package is cheap; the encoder loads torch on first use."""
