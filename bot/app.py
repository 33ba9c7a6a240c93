"""Wiring and lifecycle: gateway -> dispatcher -> handlers -> store/outbox -> gateway.

`App` owns one store, one gateway and one dispatcher. A message's id is recorded
(committed) first; then everything it causes is written in one transaction (see
`bot.middleware`); only after that commits does the outbox go out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.clock import Clock
from bot.config import Config
from bot.gateways.base import Gateway, GatewayError
from bot.messages import Incoming
from bot.middleware import default_chain
from bot.router import Context, Dispatcher, Router
from bot.store import Store

log = logging.getLogger(__name__)

Tick = Callable[[Context], Any]


class App:
    """The running bot. `await app.start()`, `await app.handle(msg)`, `await app.stop()`."""

    def __init__(
        self,
        config: Config,
        gateway: Gateway,
        clock: Clock | None = None,
        *,
        routers: list[Router] | None = None,
        services: dict[str, Any] | None = None,
        db_path: str | Path | None = None,
        tick_seconds: float = 1.0,
    ) -> None:
        if routers is None or services is None:
            import handlers  # the composition root is the one place that knows the features

            routers = handlers.ROUTERS if routers is None else routers
            services = handlers.make_services(config) if services is None else services
        self.config = config
        self.gateway = gateway
        self.clock = clock or Clock()
        self.services = services
        self.db_path = Path(db_path or config.storage.path)
        self.dispatcher = Dispatcher(routers, default_chain(config.bot.rate_limit_per_minute))
        self.store: Store | None = None
        self.tick_seconds = tick_seconds
        self._lock = asyncio.Lock()
        self._sending = asyncio.Lock()  # one flush at a time, or two would send the same rows
        self._ticker: asyncio.Task | None = None

    async def start(self, *, background: bool = True) -> None:
        self.store = Store.open(self.db_path)
        self.store.sync_workers(self.config.workers)
        self.services["dispatcher"] = self.dispatcher
        self.gateway.on_message(self.handle)
        await self.gateway.start()
        await self._replay_unhandled()
        await self.flush()
        if background:
            self._ticker = asyncio.create_task(self._tick_forever(), name="powerbot-ticker")
        log.info("started: %s, db %s", self.gateway.name, self.db_path)

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        await self.gateway.stop()
        for service in self.services.values():  # background work of theirs (a retraining)
            close = getattr(service, "close", None)
            if callable(close):
                close()
        if self.store is not None:
            self.store.close()
            self.store = None
        log.info("stopped")

    def context(self) -> Context:
        assert self.store is not None, "App.start() first"
        return Context(
            config=self.config, store=self.store, clock=self.clock, services=self.services
        )

    async def handle(self, msg: Incoming, *, replay: bool = False) -> None:
        """Handle one message to the end (see the middleware), then send the outbox."""
        ctx = self.context()
        ctx.data["replay"] = replay
        try:
            async with self._lock:
                await self.dispatcher.feed(msg, ctx)
        except Exception:  # a message that cannot even be recorded: log it, keep serving
            log.exception("message %s could not be handled", msg.id)
        await self.flush()

    async def tick(self) -> None:
        """Run every router's timed jobs (address wait, reminders), then send."""
        async with self._lock:
            for router in self.dispatcher.routers:
                for job in router.ticks:
                    ctx = self.context()
                    try:
                        with ctx.store.atomic():
                            await job(ctx)
                    except Exception:
                        log.exception("timed job %s failed", job.__name__)
        await self.flush()

    async def flush(self) -> int:
        """Send what the outbox holds that is due, oldest first.

        A failed send waits and is tried again later; later messages to the same
        conversation wait behind it, so each chat keeps its order."""
        async with self._sending:
            return await self._flush()

    async def _flush(self) -> int:
        if self.store is None:
            return 0
        sent, blocked = 0, set()
        now = self.clock.now()
        for item in self.store.unsent():
            where = item.out.conversation.label()
            if where in blocked or not item.due(now):
                blocked.add(where)
                continue
            try:
                await self.gateway.send(item.out)
            except GatewayError as e:
                blocked.add(where)
                if self.store.mark_send_failed(item, str(e), now):
                    log.warning("send to %s failed, will retry: %s", where, e)
                else:
                    log.error("send to %s given up after %d tries: %s", where, item.attempts + 1, e)
                continue
            self.store.mark_sent(item.id, self.clock.now())
            log.info("out %s: %s", where, item.out.text[:80])
            sent += 1
        return sent

    async def _replay_unhandled(self) -> None:
        """Messages recorded but never finished (a crash mid-way) are handled again."""
        for msg in self.store.unhandled_messages():
            log.info("replaying unhandled message %s", msg.id)
            await self.handle(msg, replay=True)

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(self.tick_seconds)
            try:
                await self.tick()
            except Exception:
                log.exception("tick failed")
