"""Asyncio plumbing for a gateway that must stay up: nothing here knows a transport.

- `Tasks`: the background tasks a gateway owns, cancelled together when it stops.
- `Link`: connection generations; a request cut by a link's loss is tried again on the next.
- `Backoff`: reconnect delays, doubling from a first retry up to a cap.
- `SeenIds`: a bounded memory of message ids, against a service that repeats events.
- `SharedFetches`: values fetched once per key; callers arriving meanwhile share the fetch;
  the most recently used `limit` kept.

`bot.gateways.wechaty` is built from these; they are tested on their own in
`tests/test_gateway_flow.py`.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


def resolve(future: asyncio.Future[None]) -> None:
    """Mark `future` done unless it already is (resolved before, or cancelled with its waiter)."""
    if not future.done():
        future.set_result(None)


class Tasks:
    """Background tasks that end together: `spawn` them, `cancel` them all at stop."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Awaitable[T], name: str) -> asyncio.Task[T]:
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(_report_crash)
        return task

    async def cancel(self) -> None:
        """Cancel every task and wait until they have all ended."""
        tasks, self._tasks = self._tasks, set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _report_crash(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("%s ended: %r", task.get_name(), task.exception(), exc_info=task.exception())


class Link:
    """Connection generations: whether a link is up, and a way to await the next one."""

    def __init__(self) -> None:
        self.generation = 0
        self.up = False
        self._changed = asyncio.Event()

    def connected(self) -> None:
        self.generation += 1
        self.up = True
        self._notify()

    def lost(self) -> None:
        self.up = False
        self._notify()

    async def after(self, generation: int) -> None:
        """Until a link newer than `generation` is up."""
        while not (self.up and self.generation > generation):
            await self._changed.wait()

    async def retry(
        self,
        call: Callable[[], Awaitable[T]],
        errors: tuple[type[BaseException], ...],
        tries: int = 5,
    ) -> T:
        """`call()`; when it fails with one of `errors` (the link went), again on the next link.

        A call cut off under its caller (a CancelledError the caller's task was not sent: the
        transport cancelled something inside it as its connection closed) counts as a lost
        link too, raised as `CutOff` if it was the last try.
        """
        for _ in range(tries - 1):
            generation = self.generation
            try:
                return await once(call)
            except (CutOff, *errors) as e:
                log.info("request failed with the link (%s); waiting for a reconnect", e)
            await self.after(generation)
        return await once(call)

    def _notify(self) -> None:
        # A fresh Event per change: waiters wake once and re-check, no one has to clear it.
        self._changed.set()
        self._changed = asyncio.Event()


class CutOff(ConnectionError):
    """A request cancelled under its caller by the transport, not by the caller."""


async def once(call: Callable[[], Awaitable[T]]) -> T:
    """`call()` in a task of its own, so that the caller's cancel always ends the caller.

    grpclib, when a connection closes, cancels the *task* a call runs in and turns that
    cancel into its own error ("Connection lost"), leaving the task's cancel count raised.
    Run in the caller's task, that swallows a cancel sent to the caller at the same moment
    (a fetcher told to stop would wait for a reconnect forever) and marks a healthy caller
    as being cancelled. Here grpclib cancels the inner task only; a request that ends
    cancelled although the caller was not is raised as `CutOff`.
    """
    inner = asyncio.ensure_future(call())
    inner.add_done_callback(_retrieve)
    try:
        return await asyncio.shield(inner)
    except asyncio.CancelledError as e:
        caller = asyncio.current_task()
        if inner.cancelled() and caller is not None and not caller.cancelling():
            raise CutOff(f"the request was cut off ({e or 'cancelled'})") from e
        inner.cancel()
        raise


def _retrieve(task: asyncio.Future[Any]) -> None:
    """An inner request's error nobody awaits any more (its caller was cancelled)."""
    if not task.cancelled():
        task.exception()


class Backoff:
    """Delays before reconnecting: `first`, doubling up to `cap`; `reset` after a healthy link."""

    def __init__(self, first: float, cap: float) -> None:
        self.first, self.cap = first, cap
        self._delay = first

    def next(self) -> float:
        delay, self._delay = self._delay, min(self._delay * 2, self.cap)
        return delay

    def reset(self) -> None:
        self._delay = self.first


class SeenIds:
    """The last `limit` ids seen, oldest forgotten first."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._ids: OrderedDict[str, None] = OrderedDict()

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._ids

    def add(self, item_id: str) -> bool:
        """Remember `item_id`; False if it was already remembered."""
        if item_id in self._ids:
            return False
        self._ids[item_id] = None
        if len(self._ids) > self.limit:
            self._ids.popitem(last=False)
        return True


class SharedFetches(Generic[K, T]):
    """`values` by key, each fetched once: callers arriving meanwhile await the same fetch.

    A caller that is cancelled does not cancel the fetch others wait for; the fetch runs
    under `tasks`, so it ends when they are cancelled. A failed fetch stores nothing, and
    the next `get` tries again. Anyone may write `values` (an event announcing a value).
    Only the `limit` most recently used values are kept.
    """

    def __init__(
        self, fetch: Callable[[K], Awaitable[T]], tasks: Tasks, limit: int = 10_000
    ) -> None:
        self.values: OrderedDict[K, T] = OrderedDict()
        self.limit = limit
        self._fetch = fetch
        self._tasks = tasks
        self._running: dict[K, asyncio.Task[T]] = {}

    async def get(self, key: K) -> T:
        if key in self.values:
            self.values.move_to_end(key)
            return self.values[key]
        task = self._running.get(key)
        if task is None:
            task = self._running[key] = self._tasks.spawn(self._fetch(key), f"fetch-{key}")
            task.add_done_callback(lambda _: self._running.pop(key, None))
        value = await asyncio.shield(task)
        value = self.values.setdefault(key, value)  # a value written meanwhile wins
        while len(self.values) > self.limit:
            self.values.popitem(last=False)
        return value
