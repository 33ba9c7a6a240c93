"""The gateway's transport-free pieces on their own: `bot.gateways.flow` and `mentions`.

Real asyncio, no network. Tests wait on events the code under test sets; where one
asserts that something has *not* happened yet, it looks at a point the event loop must
pass only after that thing would have happened (asyncio runs ready tasks in order).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from bot.gateways.flow import Backoff, CutOff, Link, SeenIds, SharedFetches, Tasks
from bot.gateways.mentions import SEPARATOR, strip_mention, with_mentions
from bot.messages import Conversation, Mention, Outgoing

# -- Tasks -------------------------------------------------------------------------------


async def test_cancel_ends_every_task_and_waits_until_they_have_cleaned_up():
    tasks, cleaned = Tasks(), []
    started = [asyncio.Event() for _ in range(3)]

    async def run(n: int) -> None:
        started[n].set()
        try:
            await asyncio.Event().wait()
        finally:
            cleaned.append(n)

    spawned = [tasks.spawn(run(n), f"run-{n}") for n in range(3)]
    await asyncio.gather(*(s.wait() for s in started))

    await tasks.cancel()

    assert sorted(cleaned) == [0, 1, 2], "cancel() returned before the tasks ended"
    assert all(t.cancelled() for t in spawned)
    assert spawned[0].get_name() == "run-0"


# -- Link ----------------------------------------------------------------------------------


async def test_after_waits_for_a_newer_link_not_the_one_that_is_up():
    link = Link()
    link.connected()
    await link.after(0)  # generation 1 is up: nothing to wait for
    loop = asyncio.get_running_loop()
    loop.call_soon(link.lost)
    loop.call_soon(link.connected)

    await asyncio.wait_for(link.after(1), 1)

    assert (link.generation, link.up) == (2, True)


async def test_a_call_cut_by_a_lost_link_is_made_again_on_the_next_link(caplog):
    caplog.set_level(logging.INFO, logger="bot.gateways.flow")
    link, generations = Link(), []
    link.connected()

    async def call() -> str:
        generations.append(link.generation)
        if len(generations) == 1:
            link.lost()
            asyncio.get_running_loop().call_soon(link.connected)
            raise ConnectionResetError("reset by peer")
        return "ok"

    assert await asyncio.wait_for(link.retry(call, (ConnectionError,)), 1) == "ok"
    assert generations == [1, 2], "the second try waited for the new link"
    assert "request failed with the link (reset by peer)" in caplog.text


async def test_retry_gives_up_after_its_tries_and_passes_other_errors_at_once():
    link, calls = Link(), []
    link.connected()

    async def always_cut() -> None:
        calls.append(link.generation)
        asyncio.get_running_loop().call_soon(link.connected)
        raise ConnectionResetError("reset")

    with pytest.raises(ConnectionResetError):
        await asyncio.wait_for(link.retry(always_cut, (ConnectionError,), tries=3), 1)
    assert calls == [1, 2, 3]

    async def wrong() -> None:
        calls.append(-1)
        raise ValueError("not a link error")

    with pytest.raises(ValueError):
        await link.retry(wrong, (ConnectionError,))
    assert calls.count(-1) == 1


async def test_a_transport_that_cancels_the_task_it_runs_in_cuts_only_that_request():
    # grpclib, as a connection closes, cancels the task its call runs in and raises
    # "Connection lost" instead: the caller retries on the next link, and is not left
    # marked as being cancelled (its later timeouts keep working).
    link, calls = Link(), []
    link.connected()

    async def like_grpclib() -> str:
        calls.append(link.generation)
        if len(calls) == 1:
            asyncio.get_running_loop().call_soon(asyncio.current_task().cancel)  # type: ignore[union-attr]
            asyncio.get_running_loop().call_soon(link.connected)
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                raise ConnectionError("Connection lost") from None
        return "ok"

    assert await asyncio.wait_for(link.retry(like_grpclib, (ConnectionError,)), 1) == "ok"
    assert calls == [1, 2]
    assert asyncio.current_task().cancelling() == 0  # type: ignore[union-attr]


async def test_the_callers_cancel_ends_the_retry_even_if_the_call_swallows_it():
    # The caller (a fetcher at stop) is cancelled while its call is in flight, and the
    # call turns what it sees into a link error: the caller still ends, at once.
    link, started = Link(), asyncio.Event()
    link.connected()

    async def swallows_cancel() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            raise ConnectionError("Connection lost") from None

    task = asyncio.ensure_future(link.retry(swallows_cancel, (ConnectionError,)))
    await started.wait()
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=1)
    assert done == {task} and task.cancelled()


async def test_a_call_cancelled_under_its_caller_is_made_again_on_the_next_link():
    # The transport cancels a future inside the call as its connection closes: the caller
    # gets a CancelledError it was never sent. That is a lost link, not the caller's end.
    link, calls = Link(), []
    link.connected()

    async def cut_once() -> str:
        calls.append(link.generation)
        if len(calls) == 1:
            inner = asyncio.get_running_loop().create_future()
            asyncio.get_running_loop().call_soon(inner.cancel)
            asyncio.get_running_loop().call_soon(link.connected)
            await inner
        return "ok"

    assert await asyncio.wait_for(link.retry(cut_once, (ConnectionError,)), 1) == "ok"
    assert calls == [1, 2]

    async def always_cut() -> None:
        inner = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().call_soon(inner.cancel)
        await inner

    with pytest.raises(CutOff):  # the last try's cut is an error the caller can handle
        await asyncio.wait_for(link.retry(always_cut, (ConnectionError,), tries=1), 1)


# -- Backoff and SeenIds -------------------------------------------------------------------


def test_backoff_doubles_from_the_first_retry_up_to_the_cap_and_resets():
    backoff = Backoff(0.5, 3.0)
    assert [backoff.next() for _ in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    backoff.reset()
    assert [backoff.next() for _ in range(2)] == [0.5, 1.0]


def test_seen_ids_answer_once_per_id_and_forget_the_oldest_past_the_limit():
    seen = SeenIds(limit=2)
    assert [seen.add(i) for i in ("a", "b", "a")] == [True, True, False]
    assert seen.add("c") is True  # "a" is forgotten now
    assert [seen.add(i) for i in ("b", "a")] == [False, True]


# -- SharedFetches ------------------------------------------------------------------------


class GatedFetch:
    """A fetch that records its keys, says it started, and returns once the gate opens."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.started = asyncio.Event()
        self.gate = asyncio.Event()
        self.fail_first = False

    async def __call__(self, key: str) -> str:
        self.keys.append(key)
        self.started.set()
        await self.gate.wait()
        if self.fail_first and len(self.keys) == 1:
            raise LookupError(f"no {key}")
        return f"value of {key}"


@pytest.fixture
async def tasks() -> AsyncIterator[Tasks]:
    running = Tasks()
    yield running
    await running.cancel()


async def test_callers_arriving_during_a_fetch_share_it(tasks: Tasks):
    fetch = GatedFetch()
    cache = SharedFetches(fetch, tasks)
    gets = asyncio.gather(*(cache.get("room-1") for _ in range(3)))
    await fetch.started.wait()  # by now every get has been called
    fetch.gate.set()

    assert await gets == ["value of room-1"] * 3
    assert await cache.get("room-1") == "value of room-1"
    assert fetch.keys == ["room-1"]


async def test_a_cancelled_caller_does_not_cancel_the_fetch_others_await(tasks: Tasks):
    fetch = GatedFetch()
    cache = SharedFetches(fetch, tasks)
    impatient = asyncio.ensure_future(cache.get("k"))
    patient = asyncio.ensure_future(cache.get("k"))
    await fetch.started.wait()

    impatient.cancel()
    fetch.gate.set()

    assert await patient == "value of k"
    assert impatient.cancelled()


async def test_a_failed_fetch_stores_nothing_and_the_next_get_tries_again(tasks: Tasks):
    fetch = GatedFetch()
    fetch.fail_first = True
    fetch.gate.set()
    cache = SharedFetches(fetch, tasks)

    with pytest.raises(LookupError):
        await cache.get("k")
    assert cache.values == {}
    assert await cache.get("k") == "value of k"
    assert fetch.keys == ["k", "k"]


async def test_a_value_written_during_the_fetch_wins_over_the_fetched_one(tasks: Tasks):
    fetch = GatedFetch()
    cache = SharedFetches(fetch, tasks)
    get = asyncio.ensure_future(cache.get("room-1"))
    await fetch.started.wait()

    cache.values["room-1"] = "renamed by an event"
    fetch.gate.set()

    assert await get == "renamed by an event"


async def test_only_the_most_recently_used_values_are_kept(tasks: Tasks):
    async def fetch(key: str) -> str:
        return key.upper()

    cache = SharedFetches(fetch, tasks, limit=2)
    assert [await cache.get(k) for k in ("a", "b", "a", "c")] == ["A", "B", "A", "C"]
    assert list(cache.values) == ["a", "c"], "b was the least recently used"


# -- mentions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "stripped"),
    [
        (f"@供电小助手{SEPARATOR}3栋停电了", "3栋停电了"),
        (f"3栋停电了 @供电小助手{SEPARATOR}", "3栋停电了"),
        ("3栋停电了 @供电小助手", "3栋停电了"),  # a trailing mention loses its separator
        (f"@小助手{SEPARATOR}停电了", "停电了"),  # the room alias
    ],
)
def test_the_bots_mention_is_taken_out_of_the_text(text, stripped):
    assert strip_mention(text, ["小助手", "供电小助手"]) == (stripped, True)


@pytest.mark.parametrize(
    "text",
    [f"@张阿姨{SEPARATOR}停电了吗", "写信给 @供电小助手们", "停电了"],
)
def test_text_without_the_bots_mention_is_left_alone(text):
    assert strip_mention(text, ["", "供电小助手"]) == (text, False)


def test_outgoing_mentions_are_written_into_the_text_with_the_separator():
    out = Outgoing(
        conversation=Conversation.group("room-1", "幸福花园业主用电群"),
        text="已登记",
        mentions=(Mention(id="r1", name="张阿姨"), Mention(id="r2")),
    )
    assert with_mentions(out, ["张阿姨", ""]) == f"@张阿姨{SEPARATOR}@r2{SEPARATOR}已登记"
