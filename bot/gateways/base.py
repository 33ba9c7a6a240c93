"""The one interface every chat transport implements.

A gateway turns transport events into `Incoming` and hands them to its callback;
it sends `Outgoing`. It holds no business logic.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable

from bot.messages import Incoming, Outgoing

OnMessage = Callable[[Incoming], Awaitable[None]]


class GatewayError(Exception):
    """A gateway cannot do what was asked (connect, send); the message says why."""


class Gateway(ABC):
    """Start it, feed it a callback, send through it, stop it."""

    name: str = "gateway"

    def __init__(self) -> None:
        self._on_message: OnMessage | None = None

    def on_message(self, callback: OnMessage) -> None:
        self._on_message = callback

    async def deliver(self, msg: Incoming) -> None:
        """Hand one converted message to the bot."""
        if self._on_message is None:
            raise GatewayError(f"{self.name}: no message callback set")
        await self._on_message(msg)

    @abstractmethod
    async def start(self) -> None:
        """Connect and begin delivering messages; returns once started."""

    @abstractmethod
    async def stop(self) -> None:
        """Disconnect; safe to call twice."""

    @abstractmethod
    async def send(self, out: Outgoing) -> None:
        """Send one message; raise GatewayError when it could not be sent."""
