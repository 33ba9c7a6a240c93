"""Routing: routers with filters, an onion of middleware, and the per-message Context.

Each handler module makes `router = Router(name=__name__)` and registers handlers
with `@router.message(*filters)`. A handler is
`async def verb_noun(msg: Incoming, ctx: Context) -> str | None`: the returned
string is the reply; other sends go through `await ctx.send(...)`. A handler that
returns `SKIP` passes the message on to the next one.
"""

from __future__ import annotations

import logging
import re
import sys
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.clock import Clock
from bot.config import Config
from bot.messages import Conversation, Incoming, Mention, Outgoing
from bot.privacy import mask_phones
from bot.records import Timer
from bot.store import Store

log = logging.getLogger(__name__)


URGENT, NORMAL, LOW = 0, 1, 2  # outbox priorities


class Role(StrEnum):
    resident = "resident"
    worker = "worker"
    admin = "admin"


class _Skip:
    def __repr__(self) -> str:
        return "SKIP"


SKIP: Any = _Skip()

Reply = str | None
Handler = Callable[[Incoming, "Context"], Awaitable[Reply]]
Filter = Callable[[Incoming, "Context"], bool]
CallNext = Callable[[Incoming, "Context"], Awaitable[Reply]]
Middleware = Callable[[CallNext, Incoming, "Context"], Awaitable[Reply]]
TimerJob = Callable[["Timer", "Context"], Awaitable[None]]


@dataclass
class Context:
    """What a handler may use while it handles one message."""

    config: Config
    store: Store
    clock: Clock
    services: dict[str, Any] = field(default_factory=dict)
    role: Role = Role.resident
    data: dict[str, Any] = field(default_factory=dict)
    cause: str | None = None  # the message being handled: its outbox rows name it

    def now(self) -> datetime:
        return self.clock.now()

    async def send(self, out: Outgoing, priority: int = NORMAL) -> None:
        """Queue a message: it is in the outbox (on disk) before anyone sends it.

        Group messages never carry a phone number in full. `priority`: URGENT (hazards,
        dispatch) goes out before NORMAL replies, which go before LOW (answers, notices)."""
        if out.conversation.is_group:
            out = out.model_copy(update={"text": mask_phones(out.text)})
        self.store.enqueue(out, self.now(), self.cause, priority)
        log.debug("queued to %s: %s", out.conversation.label(), out.text[:80])

    async def tell(
        self, conversation: Conversation, text: str, *mentions: Mention, priority: int = NORMAL
    ) -> None:
        out = Outgoing(conversation=conversation, text=text, mentions=mentions)
        await self.send(out, priority)

    async def tell_person(self, person_id: str, text: str, priority: int = NORMAL) -> None:
        await self.tell(Conversation.private(person_id), text, priority=priority)

    async def tell_admins(self, text: str, priority: int = NORMAL) -> None:
        for admin in self.config.admins:
            await self.tell_person(admin.id, text, priority)


@dataclass
class _Registered:
    handler: Handler
    filters: tuple[Filter, ...]


class Router:
    """A named list of handlers, each behind its filters; the first that handles wins."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.handlers: list[_Registered] = []
        self.ticks: list[Callable[[Context], Awaitable[None]]] = []
        self.timers: dict[str, TimerJob] = {}

    def message(self, *filters: Filter) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.handlers.append(_Registered(handler, filters))
            return handler

        return register

    def timer(self, kind: str) -> Callable[[TimerJob], TimerJob]:
        """Register the job run when a timer of `kind` (a row of the timers table) is due."""

        def register(job: TimerJob) -> TimerJob:
            self.timers[kind] = job
            return job

        return register

    def tick(self) -> Callable:
        """Register a job the app runs every tick (about once a second): timers, reloads."""

        def register(job: Callable[[Context], Awaitable[None]]) -> Callable:
            self.ticks.append(job)
            return job

        return register

    async def route(self, msg: Incoming, ctx: Context) -> Reply:
        for reg in self.handlers:
            if all(f(msg, ctx) for f in reg.filters):
                reply = await reg.handler(msg, ctx)
                if reply is not SKIP:
                    return reply
        return SKIP


class Dispatcher:
    """Routers in priority order, behind a chain of middleware."""

    def __init__(self, routers: list[Router], middleware: list[Middleware]) -> None:
        self.routers = routers
        self.middleware = middleware

    async def feed(self, msg: Incoming, ctx: Context) -> Reply:
        call: CallNext = self._route
        for mw in reversed(self.middleware):
            call = _wrap(mw, call)
        reply = await call(msg, ctx)
        return None if reply is SKIP else reply

    async def _route(self, msg: Incoming, ctx: Context) -> Reply:
        for router in self.routers:
            reply = await router.route(msg, ctx)
            if reply is not SKIP:
                return reply
        return SKIP

    def commands(self) -> list[tuple[str, str]]:
        """(router name, module docstring) for the help command."""
        docs = []
        for router in self.routers:
            module = sys.modules.get(router.name)
            docs.append((router.name, (module.__doc__ or "").strip() if module else ""))
        return docs


def _wrap(mw: Middleware, call_next: CallNext) -> CallNext:
    async def call(msg: Incoming, ctx: Context) -> Reply:
        return await mw(call_next, msg, ctx)

    return call


# Filters used across handlers.
def in_group(msg: Incoming, ctx: Context) -> bool:
    return msg.conversation.is_group


def in_private(msg: Incoming, ctx: Context) -> bool:
    return not msg.conversation.is_group


def has_role(*roles: Role) -> Filter:
    def check(msg: Incoming, ctx: Context) -> bool:
        return ctx.role in roles

    check.__name__ = f"has_role({','.join(roles)})"
    return check


def command(*words: str) -> Filter:
    """The text is a command word, alone or followed by a space, a digit or # (接单 12, 接单12)."""

    def check(msg: Incoming, ctx: Context) -> bool:
        return command_args(msg.text, *words) is not None

    check.__name__ = f"command({','.join(words)})"
    return check


def says_only_command(msg: Incoming, *words: str) -> bool:
    """In a group, a resident's 工单1什么时候到 is a question, not a command: only the bare
    command (接单 12, 工单) counts there. In a private chat any command form counts."""
    if not msg.conversation.is_group:
        return True
    text = unicodedata.normalize("NFKC", msg.text).strip()
    return any(re.fullmatch(rf"{re.escape(w)}\s*#?\s*\d*", text) for w in words)


def command_args(text: str, *words: str) -> list[str] | None:
    """The arguments after a command word, or None when the text is not that command."""
    text = unicodedata.normalize("NFKC", text).strip()
    for word in words:
        if not text.startswith(word):
            continue
        rest = text[len(word) :]
        if not rest or rest[0].isspace() or rest[0].isdigit() or rest[0] == "#":
            return rest.replace("#", " ").split()
    return None
