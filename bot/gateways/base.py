"""The one interface every chat transport implements.

A gateway turns transport events into `Incoming` and hands them to its inbox: the id
the moment a message is announced (`arrived`), the message once its payload is
fetched (`prepared`, None when it is not for the bot). A transport that gets whole
messages at once (the console, the test double) calls `deliver`, which does both and
waits until the message is handled and its replies sent. It sends `Outgoing`, and
can fetch a message by id again after a restart (`fetch`). It holds no business logic.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Protocol

from bot.messages import Incoming, Outgoing


class Inbox(Protocol):
    """Where a gateway puts what arrives: `bot.app.App`, or an echo bot in the benchmarks."""

    def arrived(self, message_id: str) -> None: ...
    def prepared(self, message_id: str, message: Incoming | None) -> None: ...
    async def receive(self, message: Incoming) -> None: ...


class GatewayError(Exception):
    """A gateway cannot do what was asked (connect, send); the message says why."""


class Gateway(ABC):
    """Start it, give it an inbox, send through it, stop it."""

    name: str = "gateway"

    def __init__(self) -> None:
        self.inbox: Inbox | None = None

    def attach(self, inbox: Inbox) -> None:
        self.inbox = inbox

    def _inbox(self) -> Inbox:
        if self.inbox is None:
            raise GatewayError(f"{self.name}: no inbox attached")
        return self.inbox

    async def deliver(self, msg: Incoming) -> None:
        """Hand one whole message to the bot and wait until it has been dealt with."""
        await self._inbox().receive(msg)

    async def fetch(self, message_id: str) -> Incoming | None:
        """The message with this id, asked of the service again (a restart found its id
        recorded but not its payload); None when this transport cannot."""
        return None

    @abstractmethod
    async def start(self) -> None:
        """Connect and begin delivering messages; returns once started."""

    @abstractmethod
    async def stop(self) -> None:
        """Disconnect; safe to call twice."""

    @abstractmethod
    async def send(self, out: Outgoing) -> None:
        """Send one message; raise GatewayError when it could not be sent."""
