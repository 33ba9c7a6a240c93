"""Gateways connect the bot to a chat transport: console, memory (tests), Wechaty."""
