"""Kill -9 in a storm: `powerbot run` against the fake puppet service, killed with SIGKILL
at several points and restarted on the same database, loses no message whose id it
recorded, answers every report, doubles at most the sends in flight, and leaves an
intact database. (bench/storm.py --mode crash runs the same on a bigger storm.)"""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

from bot.app import LANES
from tests.fake_puppet import FakePuppetService
from tests.storm_harness import Books, BotProcess, Run, make_storm, station_toml, world_for

MESSAGES = 240
KILLS_AFTER = (50, 120)  # messages said before each kill in the steady part
BURST = 160  # then all at once, and a kill while the backlog is being worked through
BACKLOG = 20  # recorded but not yet handled when the burst's kill comes
RECORD_WITHIN = 1.0  # seconds: a message said longer ago than this before a kill is recorded


async def test_kill_9_at_several_points_of_a_storm_loses_and_doubles_nothing_more(
    tmp_path: Path,
) -> None:
    rng = random.Random(5)
    storm = make_storm(11, MESSAGES + BURST)
    service = await FakePuppetService(world_for(storm)).start()
    config = tmp_path / "station.toml"
    config.write_text(station_toml(40, tmp_path / "bot.db", service.endpoint), encoding="utf-8")
    bot = BotProcess(config, service.endpoint, service.token, tmp_path / "bot.log")
    books = Books(tmp_path / "bot.db")
    run = Run(service, bot, books)
    said_at: dict[str, float] = {}
    kills: list[float] = []
    try:
        bot.start()
        await run.logged_in(1)
        for n, s in enumerate(storm[:MESSAGES], 1):
            said_at[run.say(s)] = time.monotonic()
            if n % 10 == 0:
                await asyncio.sleep(0.02)  # a storm, not one burst: kills land mid-way
            if n in KILLS_AFTER:
                await asyncio.sleep(rng.uniform(0.0, 0.4))
                kills.append(time.monotonic())
                bot.kill()
                bot.start()
                await run.logged_in(bot.starts)
        burst = {run.say(s) for s in storm[MESSAGES:]}
        said_at.update(dict.fromkeys(burst, time.monotonic()))
        # Recorded on receipt: the whole burst is on disk while most still waits its turn.
        await run.until(
            lambda: books.recorded() >= burst and len(_waiting(books, burst)) >= BACKLOG,
            timeout=30,
            every=0.002,
        )
        kills.append(time.monotonic())
        bot.kill()
        waiting = len(_waiting(books, burst))
        bot.start()
        await run.logged_in(bot.starts)
        everything = set(run.said)
        await run.until(books.settled)
    finally:
        await bot.astop()
        await service.stop()

    recorded, handled = books.recorded(), books.handled()
    assert books.integrity() == "ok"
    assert recorded <= handled, "every message recorded was handled"
    lost = everything - recorded
    for message_id in lost:  # only what was still on the wire when the process died
        assert any(0 <= k - said_at[message_id] < RECORD_WITHIN for k in kills), message_id
    reports = {i for i in recorded & everything if run.said[i].kind == "report"}
    assert reports and reports <= books.answered(), "every recorded report was answered"
    received, queued = run.received(), books.outbox()
    doubled = sum(max(0, received[key] - queued[key]) for key in received)
    assert doubled <= len(kills) * LANES, f"{doubled} sends doubled"
    missing = sum(max(0, queued[key] - received[key]) for key in queued)
    assert missing == 0, "everything queued was sent"
    print(
        f"said {len(everything)}, {waiting} recorded and waiting at the burst's kill, "
        f"lost on the wire {len(lost)}, doubled {doubled}"
    )


def _waiting(books: Books, ids: set[str]) -> set[str]:
    """Of `ids`, those recorded but not handled yet."""
    return (books.recorded() & ids) - books.handled()
