"""Wiring and lifecycle: gateway -> inbox -> dispatcher -> handlers -> outbox -> gateway.

`App` owns one store, one gateway and one dispatcher, and three loops:

- **receiving**: the gateway hands over message ids as they arrive and payloads as
  they are fetched (`arrived`, `prepared`); they are written to the inbox in one small
  transaction per batch of arrivals, before anything else happens to them.
- **handling**: what waits in the inbox, in arrival order, up to `batch` messages in
  one transaction, each message in a savepoint of its own (one that fails rolls back
  alone); its effects, its outbox rows and its "handled" mark commit together.
- **sending**: the outbox, concurrently across conversations (at most `lanes` at
  once), the urgent first (hazards, dispatches, escalations; then replies; then
  answers and notices), in order within each priority of a conversation, under the
  send governor's limits per minute (bot/pacing.py); a send is marked sent as soon as
  it returns (the marks of sends finishing together share one commit). A failed send
  waits and is tried again; later messages to its conversation wait behind it.

After a crash every recorded message is handled at the next start (one whose payload
was never fetched is fetched again by id), and the outbox goes out. What a crash can
double is only what was in flight: a send the gateway made whose mark had not
committed yet, at most `lanes` of them (see the README).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from bot.clock import Clock
from bot.config import Config
from bot.gateways.base import Gateway, GatewayError
from bot.messages import Incoming
from bot.middleware import default_chain
from bot.pacing import SendPace
from bot.records import OutboxItem
from bot.router import Context, Dispatcher, Router
from bot.store import Store

T = TypeVar("T")

log = logging.getLogger(__name__)

Tick = Callable[[Context], Any]
BATCH = 64  # messages handled in one transaction at most
# ... and for this long at most: arrivals are recorded between batches, so this bounds
# how long a message that came in meanwhile waits in memory (what a kill -9 can lose)
BATCH_SECONDS = 0.05
LANES = 8  # conversations sent to at once
OUTBOX_READ = 500  # outbox rows read per pass
PRUNE_EVERY = timedelta(hours=1)
TIMER_TRIES, TIMER_RETRY = 3, timedelta(minutes=1)  # a timer whose job fails


class App:
    """The running bot. `await app.start()`, `await app.receive(msg)`, `await app.stop()`."""

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
        batch: int = BATCH,
        lanes: int = LANES,
    ) -> None:
        if routers is None or services is None:
            import handlers  # the composition root is the one place that knows the features

            routers = handlers.ROUTERS if routers is None else routers
            services = handlers.make_services(config) if services is None else services
        self.config = config
        self.gateway = gateway
        self.clock = clock or Clock()
        self.services = services
        self.db_path = db_path or config.storage.target()  # a file, or a postgresql:// URL
        self.dispatcher = Dispatcher(routers, default_chain(config.bot.rate_limit_per_minute))
        self.store: Store | None = None
        self.tick_seconds = tick_seconds
        self.batch, self.lanes = batch, lanes
        limits = config.gateway
        self.pace = SendPace(limits.send_per_minute, limits.send_per_group_per_minute)
        self._db = asyncio.Lock()  # one writer on the connection at a time
        self._sending = asyncio.Lock()  # one pass over the outbox at a time
        self._arrived: list[tuple[str, datetime]] = []
        self._fetched: list[tuple[str, Incoming | None]] = []
        self._handled: dict[str, asyncio.Future[None]] = {}  # waited on by `receive`
        self._wake_handler = asyncio.Event()
        self._wake_sender = asyncio.Event()
        self._marks: list[tuple[int, asyncio.Future[None]]] = []
        self._wake_marker = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._passes_started = self._passes_done = 0  # passes over the outbox
        self._pruned: datetime | None = None
        self._pass_done = asyncio.Condition()
        self.failure: BaseException | None = None  # what stopped the handling loop

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self, *, background: bool = True) -> None:
        self.store = Store.open(self.db_path, self.config.station.id)
        self.store.sync_workers(self.config.workers)
        self.services["dispatcher"] = self.dispatcher
        self.gateway.attach(self)
        for loop, name in (
            (self._handle_forever, "handling"),
            (self._send_forever, "sending"),
            (self._mark_forever, "marking"),
        ):
            self._tasks.append(asyncio.create_task(loop(), name=f"powerbot-{name}"))
        await self.gateway.start()
        await self._recover()
        await self.drain()
        if background:
            self._tasks.append(asyncio.create_task(self._tick_forever(), name="powerbot-ticker"))
        log.info("started: station %s, %s, db %s", self.config.station.id, self.gateway.name,
                 self.store.where)  # fmt: skip

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        await self.gateway.stop()
        for service in self.services.values():  # background work of theirs (a retraining)
            close = getattr(service, "close", None)
            if callable(close):
                close()
        if self.store is not None:
            self.store.close()
            self.store = None
        log.info("stopped")

    async def _recover(self) -> None:
        """What a crash left: ids recorded without a payload are fetched again; everything
        waiting in the inbox is handled and the outbox sent by the loops."""
        assert self.store is not None
        for message_id in self.store.unfetched_messages():
            try:
                msg = await self.gateway.fetch(message_id)
            except Exception as e:
                log.warning("cannot fetch recorded message %s again: %s", message_id, e)
                msg = None
            if msg is None:
                log.warning("recorded message %s could not be fetched: dropped", message_id)
            self.prepared(message_id, msg)
        self._wake_handler.set()
        self._wake_sender.set()

    async def drain(self) -> None:
        """Handle everything waiting now, and send what it caused."""
        while await self._handle_some():
            pass
        await self.flush()

    async def act(self, job: Callable[[Context], Awaitable[T]], cause: str | None = None) -> T:
        """Run `job` as a chat message would run: one writer, one transaction with the
        outbox rows it makes, then send (the admin API's writes)."""
        async with self._db:
            ctx = self.context(cause)
            with ctx.store.atomic():
                result = await job(ctx)
        self._wake_sender.set()
        await self.flush()
        return result

    def context(self, cause: str | None = None) -> Context:
        assert self.store is not None, "App.start() first"
        return Context(
            config=self.config,
            store=self.store,
            clock=self.clock,
            services=self.services,
            cause=cause,
        )

    # -- receiving (the gateway's Inbox) ------------------------------------------------

    def arrived(self, message_id: str) -> None:
        """A message id, the moment the gateway sees it: written before anything else."""
        self._arrived.append((message_id, self.clock.now()))
        self._wake_handler.set()

    def prepared(self, message_id: str, message: Incoming | None) -> None:
        """Its payload, once fetched (None: not for the bot)."""
        self._fetched.append((message_id, message))
        self._wake_handler.set()

    async def receive(self, msg: Incoming) -> None:
        """A whole message at once: record it, and return once it is handled and what it
        caused has been sent (or tried). A repeat of a handled id returns at once."""
        done = self._handled.setdefault(msg.id, asyncio.get_running_loop().create_future())
        self.arrived(msg.id)
        self.prepared(msg.id, msg)
        try:
            await done
        finally:
            self._handled.pop(msg.id, None)
        await self._sent_after(self._passes_started)

    # -- handling ------------------------------------------------------------------------

    async def _handle_forever(self) -> None:
        try:
            while True:
                await self._wake_handler.wait()
                self._wake_handler.clear()
                while await self._handle_some():
                    await asyncio.sleep(0)  # let arrivals and sends in between batches
        except BaseException as e:  # a crash: whoever waits on a message hears of it
            self.failure = e
            for future in self._handled.values():
                if not future.done():
                    future.set_exception(e)
            raise

    async def _handle_some(self) -> bool:
        """Record arrivals, handle one batch; False when there was nothing to do."""
        assert self.store is not None
        async with self._db:
            arrived, self._arrived = self._arrived, []
            fetched, self._fetched = self._fetched, []
            if arrived or fetched:
                self.store.record_arrivals(arrived, fetched, self.clock.now())
                self._settle_dropped(fetched)
            batch = await self._handle_batch()
        for msg in batch:
            future = self._handled.get(msg.id)
            if future is not None and not future.done():
                future.set_result(None)
        if batch:
            self._wake_sender.set()
        return bool(arrived or fetched or batch)

    def _settle_dropped(self, fetched: list[tuple[str, Incoming | None]]) -> None:
        """A message not for the bot, or a repeat already handled, is done at once."""
        assert self.store is not None
        for message_id, msg in fetched:
            future = self._handled.get(message_id)
            if future is None or future.done():
                continue
            if msg is None or self.store.is_handled(message_id):
                future.set_result(None)

    async def _handle_batch(self) -> list[Incoming]:
        """The waiting messages, up to `batch`, handled in one transaction: read inside it,
        so on PostgreSQL they stay this process's until it commits."""
        assert self.store is not None
        with self.store.atomic():  # one commit for the batch
            batch = self.store.ready_messages(self.batch)
            began = time.perf_counter()
            for n, msg in enumerate(batch):
                if time.perf_counter() - began > BATCH_SECONDS:
                    batch = batch[:n]  # the rest waits for the next batch, arrivals first
                    break
                ctx = self.context(cause=msg.id)
                try:
                    with self.store.atomic():  # a savepoint: this message's effects alone
                        await self.dispatcher.feed(msg, ctx)
                        self.store.mark_handled(msg.id, self.clock.now())
                except Exception:
                    log.exception("message %s could not be handled", msg.id)
                    self.store.mark_handled(msg.id, self.clock.now(), outcome="failed")
        return batch

    async def tick(self) -> None:
        """Run every router's timed jobs (address wait, reminders), then send; once an
        hour, forget what is older than the store keeps."""
        async with self._db:
            assert self.store is not None
            now = self.clock.now()
            if self._pruned is None or now - self._pruned >= PRUNE_EVERY:
                self.store.prune(now)
                self._pruned = now
            for router in self.dispatcher.routers:
                for job in router.ticks:
                    ctx = self.context()
                    try:
                        with ctx.store.atomic():
                            await job(ctx)
                    except Exception:
                        log.exception("timed job %s failed", job.__name__)
            await self._fire_timers(now)
        await self.flush()

    async def _fire_timers(self, now: datetime) -> None:
        """Every due timer, each in its own transaction with all it causes (its outbox rows
        and the mark that it fired), like a message. One that fails leaves nothing half
        done and is tried again a minute later, up to TIMER_TRIES times, then given up."""
        assert self.store is not None
        jobs = {kind: job for r in self.dispatcher.routers for kind, job in r.timers.items()}
        for timer in self.store.due_timers(now):
            ctx = self.context(cause=f"timer:{timer.id}")
            job = jobs.get(timer.kind)
            try:
                with ctx.store.atomic():
                    if not self.store.claim_timer(timer.id):
                        continue  # fired by another process of the station meanwhile
                    if job is None:
                        log.warning("no job for timer kind %r", timer.kind)
                    else:
                        await job(timer, ctx)
                    self.store.fire_timer(timer.id, now)
            except Exception:
                tries = timer.payload.get("tries", 0) + 1
                if tries < TIMER_TRIES:
                    log.exception("timer %s (%s %s) failed; again in a minute", timer.id,
                                  timer.kind, timer.ref)  # fmt: skip
                    self.store.retry_timer(timer, now + TIMER_RETRY)
                else:
                    log.exception("timer %s (%s %s) failed %d times, given up", timer.id,
                                  timer.kind, timer.ref, tries)  # fmt: skip
                    self.store.fire_timer(timer.id, now)

    # -- sending -------------------------------------------------------------------------

    async def _send_forever(self) -> None:
        while True:
            await self._wake_sender.wait()
            self._wake_sender.clear()
            try:
                await self.flush()
            except Exception:  # the outbox stays; the next wake tries again
                log.exception("sending failed")

    async def _sent_after(self, passes: int) -> None:
        """Until a pass over the outbox that began after `passes` had begun has ended."""
        self._wake_sender.set()
        async with self._pass_done:
            await self._pass_done.wait_for(lambda: self._passes_done > passes)

    async def flush(self) -> int:
        """Send what the outbox holds that is due: in order within a conversation, several
        conversations at once. Returns how many were sent."""
        async with self._sending:
            self._passes_started += 1
            try:
                sent = 0
                while True:
                    done, more = await self._pass()
                    sent += done
                    if not (done and more):
                        return sent
            finally:
                self._passes_done += 1
                async with self._pass_done:
                    self._pass_done.notify_all()

    async def _pass(self) -> tuple[int, bool]:
        """One read of the outbox, sent: (how many went, whether more may be waiting)."""
        if self.store is None:
            return 0, False
        async with self._db:  # read only what has committed
            rows = self.store.unsent(OUTBOX_READ, self.clock.now())
        # rows come most urgent first: the lanes start in that order, each in that order
        lanes: dict[str, list[OutboxItem]] = defaultdict(list)
        for item in rows:
            lanes[item.out.conversation.label()].append(item)
        slots = asyncio.Semaphore(self.lanes)
        held = self.pace.held
        sent = await asyncio.gather(*(self._send_lane(items, slots) for items in lanes.values()))
        self.pace.tidy(self.clock.now())
        if self.pace.held > held:  # over the limits: the rest waits for the next tick
            log.info("send governor holding %d messages for now", self.pace.held - held)
            return sum(sent), False
        return sum(sent), len(rows) == OUTBOX_READ

    async def _send_lane(self, items: list[OutboxItem], slots: asyncio.Semaphore) -> int:
        """One conversation's messages, in order; stop at the first not due, held by the
        governor, or failed."""
        sent = 0
        async with slots:
            for item in items:
                now = self.clock.now()
                if not item.due(now) or not self.pace.take(item.out.conversation, now):
                    break
                try:
                    await self.gateway.send(item.out)
                except GatewayError as e:
                    self.pace.give_back(item.out.conversation)
                    await self._send_failed(item, e)
                    break
                await self._mark_sent(item.id)
                log.debug("out %s: %s", item.out.conversation.label(), item.out.text[:80])
                sent += 1
        return sent

    async def _send_failed(self, item: OutboxItem, error: GatewayError) -> None:
        assert self.store is not None
        where = item.out.conversation.label()
        async with self._db:
            if self.store.mark_send_failed(item, str(error), self.clock.now()):
                log.warning("send to %s failed, will retry: %s", where, error)
            else:
                log.error("send to %s given up after %d tries: %s", where, item.attempts + 1, error)

    async def _mark_sent(self, outbox_id: int) -> None:
        """Marked as soon as the send returned; sends finishing together share one commit."""
        done = asyncio.get_running_loop().create_future()
        self._marks.append((outbox_id, done))
        self._wake_marker.set()
        await done

    async def _mark_forever(self) -> None:
        while True:
            await self._wake_marker.wait()
            self._wake_marker.clear()
            marks, self._marks = self._marks, []
            if not marks:
                continue
            try:
                async with self._db:
                    assert self.store is not None
                    self.store.mark_sent([i for i, _ in marks], self.clock.now())
            except Exception as e:
                for _, done in marks:
                    done.set_exception(e)
                continue
            for _, done in marks:
                done.set_result(None)

    # -- timers --------------------------------------------------------------------------

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(self.tick_seconds)
            try:
                await self.tick()
            except Exception:
                log.exception("tick failed")
