"""The test double: push a message in, get back everything the bot sent for it.

No threads, no sleeps, no queue time-outs: `await gw.push(...)` returns once the
message is handled and the app has flushed its outbox through `send`. `known`
stands for the service's memory of messages, which `fetch` reads after a restart.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from bot.clock import Clock
from bot.gateways.base import Gateway, GatewayError
from bot.messages import Conversation, Incoming, Kind, Outgoing, Person


class MemoryGateway(Gateway):
    name = "memory"

    def __init__(self, clock: Clock | None = None) -> None:
        super().__init__()
        self.clock = clock
        self.sent: list[Outgoing] = []
        self.started = False
        self.fail_sends = False
        self.known: dict[str, Incoming] = {}  # what `fetch` finds (a service's memory)
        self.fetched: list[str] = []

    async def start(self) -> None:
        self.started = True

    async def stop(self) -> None:
        self.started = False

    async def send(self, out: Outgoing) -> None:
        if self.fail_sends or not self.started:
            raise GatewayError("memory gateway is not accepting sends")
        self.sent.append(out)

    async def fetch(self, message_id: str) -> Incoming | None:
        self.fetched.append(message_id)
        return self.known.get(message_id)

    async def push(self, text: str, **how: Any) -> list[Outgoing]:
        """Deliver one message (see `message` for who, where and what kind); return the replies."""
        before = len(self.sent)
        await self.deliver(self.message(text, **how))
        return self.sent[before:]

    def message(
        self,
        text: str,
        *,
        sender: str = "resident-1",
        name: str | None = None,
        group: str | None = None,
        kind: Kind = Kind.text,
        mentioned: bool = False,
        message_id: str | None = None,
    ) -> Incoming:
        conversation = Conversation.group(group) if group else Conversation.private(sender)
        return Incoming(
            id=message_id or f"mem-{uuid.uuid4().hex}",
            conversation=conversation,
            sender=Person(id=sender, name=name if name is not None else sender),
            text=text,
            mentioned=mentioned,
            kind=kind,
            time=self.clock.now() if self.clock else datetime.now(UTC),
        )
